"""Small helpers for reading detector results in tests."""
from marketplace.audit.detector import Context, Detection, Span, detect


def signal(detection: Detection, code: str):
    return next((s for s in detection.signals if s.code == code), None)


def evidence_texts(detection: Detection, code: str) -> list[str]:
    found = signal(detection, code)
    return [e.text if isinstance(e, Span) else e for e in found.evidence] if found else []


def codes(body: str, title: str = "", context: Context | None = None) -> set[str]:
    return detect(title, body, context).codes()


def assert_spans_point_at_original(detection: Detection, title: str, body: str) -> None:
    texts = {"title": title, "body": body}
    for found in detection.signals:
        for item in found.evidence:
            if isinstance(item, Span):
                assert texts[item.field][item.start:item.end] == item.text, (found.code, item)
