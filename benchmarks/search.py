"""Search benchmark: SQLite FTS5 with the CJK-bigram analyzer against a LIKE '%q%' scan.

    .venv/bin/python benchmarks/search.py [--notes 1000000] [--db PATH] [--keep]

Builds N mixed English/Chinese notes (about half Chinese, a third English, the rest mixed)
with Zipf-distributed vocabularies and Xiaohongshu-like lengths, indexes them with the
app's own analyzer and FTS5 schema (``marketplace.search``), then times the app's own
query path (``SqliteBackend.candidates`` + relevance/recency sort + loading the first page)
for five query classes, and the same queries as a LIKE scan that must find and rank every
match. Target: every class p50 <= 20 ms and >= 50x faster than the scan.

The last line printed is one JSON object (see the issue for its keys).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, text  # noqa: E402

from marketplace.search.analyzer import analyze, analyze_query  # noqa: E402
from marketplace.search.backends import Filters, IndexDocument  # noqa: E402
from marketplace.search.backends.sqlite import SqliteBackend  # noqa: E402
from marketplace.search.documents import SQLITE_DDL  # noqa: E402

SEED = 20260503
PAGE = 20
WINDOW = 1000  # the SEARCH_RANK_WINDOW default

EN_WORDS = """the a and to of i it is this for my in with that so on you but was have
just really not be are like love one all so at so my very can get if it's they them from
or your do out up about more when what day time got would also even only make much good
great nice new best little first last still back well way use used try tried using feel
skin skincare sunscreen sunscreens moisturizer moisturizers serum serums cleanser toner
mask masks lipstick lipsticks foundation concealer blush mascara eyeliner perfume shampoo
conditioner hair nails makeup routine glow glowing hydrating dry oily sensitive acne pores
spf texture fragrance review reviews honest haul favorite favourites budget affordable
luxury price worth recommend recommended hiking trail trails camping tent backpack boots
jacket outdoor mountain lake beach travel trip weekend city hotel flight itinerary guide
coffee latte matcha tea cafe brunch breakfast lunch dinner recipe recipes cooking baking
bread cake cookies noodles dumplings hotpot spicy sweet salad healthy protein workout gym
yoga running pilates fitness stretch outfit outfits dress jeans sneakers bag style fashion
vintage minimalist apartment home decor kitchen plants cozy room desk setup study notes
book books reading journal planner camera photo photos phone laptop headphones gadget
puppy cat cats dog dogs pet baby mom parenting kids school summer winter spring autumn
rain sunshine morning night evening shanghai beijing hangzhou chengdu tokyo seoul paris
""".split()
ZH_WORDS = """我 的 了 是 很 也 都 就 在 有 和 这 个 你 真的 非常 超级 一个 我们 今天 最近
姐妹们 宝子们 分享 推荐 种草 拔草 测评 好物 平价 大牌 学生党 上班族 必备 合集 攻略 教程 干货
面膜 防晒 防晒霜 精华 精华液 乳液 面霜 洗面奶 爽肤水 口红 粉底液 遮瑕 腮红 眼影 睫毛膏
香水 洗发水 护发素 护肤 彩妆 美白 补水 保湿 控油 敏感肌 干皮 油皮 痘痘 毛孔 质地 肤感 成分
性价比 性价比高 回购 空瓶 无限回购 小红书 小红书种草 敏感肌肤 平价好物 周末出游
徒步 露营 帐篷 登山 户外 旅行 旅游 周末 酒店 民宿 机票 行程 打卡 拍照 出片 风景
咖啡 拿铁 抹茶 奶茶 咖啡店 早餐 午餐 晚餐 食谱 做饭 烘焙 面包 蛋糕 饺子 火锅 麻辣 甜品
健身 瑜伽 跑步 普拉提 减脂 增肌 穿搭 连衣裙 牛仔裤 运动鞋 包包 风格 复古 极简 租房
家居 装修 厨房 绿植 书桌 学习 笔记 读书 手账 相机 手机 电脑 耳机 数码 猫咪 狗狗 宠物
宝宝 育儿 上海 北京 杭州 成都 东京 首尔 巴黎 夏天 冬天 春天 秋天 早上 晚上 心情 生活
""".split()
MISS = ["zyxwvqk", "qqqzzzx", "blorptang", "黑洞量子", "鳕鲟鲥鳟", "xkcdqwerty", "龘靐齉",
        "frobnicatorz", "量子纠缠态", "unobtainium"]


def _zipf(n: int, s: float = 1.05) -> list[float]:
    weights, total = [], 0.0
    for rank in range(1, n + 1):
        total += 1.0 / rank ** s
        weights.append(total)
    return weights


def _vocabularies(rng: random.Random):
    """Real words first (most frequent), then a long tail of made-up words, Zipf-weighted."""
    syllables = ["ka", "lo", "mi", "ra", "te", "su", "no", "vi", "ze", "pa", "do", "gu", "shi",
                 "an", "el", "or", "un", "ix", "qua", "bre", "tor", "lin", "mor", "sel"]
    en = list(dict.fromkeys(EN_WORDS))
    seen = set(en)
    while len(en) < 30000:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            en.append(word)
    common_chars = "".join(dict.fromkeys("".join(ZH_WORDS)))
    zh = list(dict.fromkeys(ZH_WORDS))
    seen = set(zh)
    while len(zh) < 30000:
        pool = common_chars if rng.random() < 0.5 else None
        word = "".join(rng.choice(pool) if pool else chr(rng.randint(0x4E00, 0x9FA5))
                       for _ in range(rng.choice((2, 2, 2, 3, 4))))
        if word not in seen:
            seen.add(word)
            zh.append(word)
    return (en, _zipf(len(en))), (zh, _zipf(len(zh)))


def _sentences(rng, vocab, count, lo, hi, joiner, ends):
    words, weights = vocab
    out = []
    for _ in range(count):
        chosen = rng.choices(words, cum_weights=weights, k=rng.randint(lo, hi))
        out.append(joiner.join(chosen) + rng.choice(ends))
    return out


def generate(n: int, rng: random.Random):
    """Yield (id, title, body) for n notes."""
    en_vocab, zh_vocab = _vocabularies(rng)
    en = _sentences(rng, en_vocab, 60000, 6, 18, " ", [". ", "! ", ".\n"])
    zh = _sentences(rng, zh_vocab, 60000, 4, 14, "", ["，", "。", "！", "～\n"])
    en_titles = _sentences(rng, en_vocab, 20000, 3, 8, " ", [""])
    zh_titles = _sentences(rng, zh_vocab, 20000, 2, 6, "", ["", "！"])
    choice, randint, random_ = rng.choice, rng.randint, rng.random
    for note_id in range(1, n + 1):
        kind = random_()
        if kind < 0.5:  # Chinese, 60-600 characters
            title = choice(zh_titles)
            body = "".join(choice(zh) for _ in range(randint(3, 25)))
        elif kind < 0.85:  # English, 30-250 words
            title = choice(en_titles).capitalize()
            body = "".join(choice(en) for _ in range(randint(3, 18)))
        else:  # mixed, as bilingual creators write
            title = choice(zh_titles) + " " + choice(en_titles)
            body = "".join(choice(zh) if random_() < 0.6 else choice(en) for _ in range(randint(4, 18)))
        yield note_id, title, body


QUERIES = {
    "en1": ["sunscreen", "coffee", "hiking", "moisturizer", "recipe", "camping", "lipstick",
            "Serum", "travel", "yoga", "budget", "vintage", "dumplings", "headphones", "skin",
            "weekend", "honest", "cats", "matcha", "apartment"],
    "en2": ["sunscreen review", "hiking boots", "coffee recipe", "skincare routine",
            "budget travel", "sensitive skin", "yoga morning", "camping tent", "matcha latte",
            "vintage dress", "honest review", "dinner recipe", "weekend trip", "cozy room",
            "lipstick haul", "oily skin", "best sunscreen", "travel guide", "cat photos", "gym workout"],
    "zh2": ["面膜", "防晒", "咖啡", "露营", "护肤", "火锅", "穿搭", "口红", "攻略", "平价",
            "徒步", "精华", "猫咪", "早餐", "美白", "周末", "成都", "健身", "香水", "抹茶"],
    "zh4": ["性价比高", "敏感肌肤", "平价好物", "周末出游", "无限回购", "护肤干货", "小红书种草",
            "防晒面膜", "咖啡早餐", "露营攻略", "学生党必备", "美白精华", "姐妹们推荐", "徒步户外",
            "火锅推荐", "穿搭分享", "口红测评", "上海周末", "猫咪日常", "宝子们分享"],
    "miss": MISS * 2,
}


def _percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def build(engine, n: int, rng: random.Random):
    backend = SqliteBackend()
    raw = engine.raw_connection()
    cur = raw.cursor()
    cur.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL)")
    cur.execute("CREATE TABLE note_tags (note_id INTEGER, tag TEXT, PRIMARY KEY (note_id, tag))")
    cur.execute("CREATE TABLE search_documents (note_id INTEGER PRIMARY KEY, sponsored BOOLEAN NOT NULL, "
                "title_terms TEXT NOT NULL, body_terms TEXT NOT NULL, chars TEXT NOT NULL, vector TEXT)")
    for statement in SQLITE_DDL:
        cur.execute(statement)
    raw.commit()

    started = time.perf_counter()
    batch = []
    for row in generate(n, rng):
        batch.append(row)
        if len(batch) == 20000:
            cur.executemany("INSERT INTO notes (id, title, body) VALUES (?, ?, ?)", batch)
            batch = []
    if batch:
        cur.executemany("INSERT INTO notes (id, title, body) VALUES (?, ?, ?)", batch)
    raw.commit()
    generated = time.perf_counter() - started
    data_bytes = _file_bytes(engine)
    print(f"generated {n:,} notes in {generated:.1f} s ({data_bytes / 1e6:.0f} MB)", flush=True)

    # Index build: analysis + FTS5 insertion (through the triggers) + merge into one segment.
    started = time.perf_counter()
    read = raw.cursor()
    read.execute("SELECT id, title, body FROM notes ORDER BY id")
    insert = ("INSERT INTO search_documents (note_id, sponsored, title_terms, body_terms, chars) "
              "VALUES (:note_id, :sponsored, :title_terms, :body_terms, :chars)")
    while True:
        rows = read.fetchmany(20000)
        if not rows:
            break
        cur.executemany(insert, [backend.row(IndexDocument(i, i % 17 == 0, analyze(t), analyze(b)))
                                 for i, t, b in rows])
    raw.commit()
    cur.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    raw.commit()
    build_s = time.perf_counter() - started
    index_bytes = _file_bytes(engine) - data_bytes
    raw.close()
    print(f"index built in {build_s:.1f} s, {index_bytes / 1e6:.0f} MB "
          "(analysed text in search_documents + FTS5 index)", flush=True)
    return build_s, index_bytes


def _file_bytes(engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA page_count").scalar() * conn.exec_driver_sql(
            "PRAGMA page_size").scalar()


def search_once(conn, backend, query):
    """The app's path (search.service.search) minus rendering: rank, sort, load a page."""
    ranked = backend.candidates(conn, analyze_query(query), Filters(), WINDOW)
    ranked.sort(key=lambda item: (-round(item[1], 4), -item[0]))
    ids = [note_id for note_id, _ in ranked[:PAGE]]
    if ids:
        conn.execute(text("SELECT id, title, body FROM notes WHERE id IN (%s)" % ",".join(map(str, ids)))).all()
    return len(ranked)


def like_once(conn, query):
    """What search would cost without an index: find every match, then rank and page."""
    pattern = f"%{query}%"
    return len(conn.execute(text(
        "SELECT id FROM notes WHERE title LIKE :p OR body LIKE :p "
        "ORDER BY (title LIKE :p) DESC, id DESC LIMIT 20"), {"p": pattern}).all())


def measure(engine, like_runs: int):
    backend = SqliteBackend()
    p50, p95, like_p50, hits = {}, {}, {}, {}
    with engine.connect() as conn:
        for name, queries in QUERIES.items():
            for q in queries:  # warm the page cache once, as a running server would be
                search_once(conn, backend, q)
            timings, counts = [], []
            for _ in range(3):
                for q in queries:
                    started = time.perf_counter()
                    counts.append(search_once(conn, backend, q))
                    timings.append((time.perf_counter() - started) * 1000)
            p50[name] = round(statistics.median(timings), 2)
            p95[name] = round(_percentile(timings, 95), 2)
            hits[name] = round(statistics.mean(counts))
            like_timings = []
            for q in queries[:like_runs]:
                started = time.perf_counter()
                like_once(conn, q)
                like_timings.append((time.perf_counter() - started) * 1000)
            like_p50[name] = round(statistics.median(like_timings), 1)
            print(f"{name:5} fts p50 {p50[name]:8.2f} ms  p95 {p95[name]:8.2f} ms  "
                  f"mean ranked matches {hits[name]:5}  LIKE p50 {like_p50[name]:9.1f} ms  "
                  f"speedup {like_p50[name] / max(p50[name], 0.001):7.0f}x", flush=True)
    return p50, p95, like_p50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1_000_000)
    parser.add_argument("--db", help="SQLite file to build (default: a temporary file)")
    parser.add_argument("--keep", action="store_true", help="keep the database file")
    parser.add_argument("--like-runs", type=int, default=5, help="LIKE scans per query class")
    args = parser.parse_args()

    path = Path(args.db or os.path.join(tempfile.mkdtemp(prefix="pappus-bench-"), "search.db"))
    if path.exists():
        path.unlink()
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        # A throwaway benchmark file: durability off for the bulk load; a 1 GB page cache as
        # a dedicated search host would give it.
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=MEMORY",
                       "cache_size=-1000000"):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    total_started = time.perf_counter()
    build_s, index_bytes = build(engine, args.notes, random.Random(SEED))
    p50, p95, like_p50 = measure(engine, args.like_runs)
    speedup = min(like_p50[k] / max(p50[k], 0.001) for k in p50)
    engine.dispose()
    if not args.keep:
        path.unlink()
    print(f"total run {time.perf_counter() - total_started:.0f} s; "
          f"target p50 <= 20 ms and >= 50x: "
          f"{'MET' if max(p50.values()) <= 20 and speedup >= 50 else 'NOT MET'}")
    print(json.dumps({"notes": args.notes, "p50_ms": p50, "p95_ms": p95, "like_p50_ms": like_p50,
                      "speedup_min": round(speedup, 1), "build_s": round(build_s, 1),
                      "index_mb": round(index_bytes / 1e6, 1)}))


if __name__ == "__main__":
    main()
