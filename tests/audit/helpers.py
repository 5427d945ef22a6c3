"""Small helpers for reading detector results in tests, and a labelled set made on the spot."""
from marketplace.audit.detector import Context, Detection, Span, detect
from marketplace.audit.learning import Row


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


# Synthetic notes in English, Simplified and Traditional Chinese: every ad carries two tells.
ADS = [
    "{b}的新品真的绝了，用我的优惠码 GLOW{n} 立减30，链接在评论区",
    "Obsessed with {b}! use code HIKE{n} for 20% off, link in bio",
    "{b} 這款精華液太好用了，私訊我拿折扣碼，手刀下單",
    "姐妹们冲！{b}限时秒杀，小黄车已挂，手慢无",
    "{b} dropped a new collection, shop the look amzn.to/{n}x",
]
ORGANIC = [
    "今天去爬山了，风景很好，推荐大家周末去走走 {n}",
    "My honest review: this sunscreen pilled under makeup, not repurchasing. Day {n}",
    "分享一下我的早餐，燕麦加香蕉，第{n}天",
    "這家咖啡店環境不錯，但是價格有點貴，坐了{n}分鐘",
    "Rainy day reading list number {n}, three novels I loved",
]
BRANDS = ["Glow Lab", "TrailMate", "光研", "小森林"]


def labelled_rows(count=60):
    rows = []
    for i in range(count):
        brand = BRANDS[i % len(BRANDS)]
        if i % 3 == 0:
            rows.append(Row("新品", ADS[i % len(ADS)].format(b=brand, n=10 + i), 1, creator=f"c{i % 4}", brand=brand))
        else:
            rows.append(Row("日常", ORGANIC[i % len(ORGANIC)].format(n=i), 0, creator=f"c{i % 7}"))
    return rows
