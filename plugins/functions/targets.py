"""Indicator targets (年度指标值) and achieved values (实际完成值) read the way a reviewer reads them.

``parse_target`` reads a target cell — ``≥10次``, ``不低于95%``, ``80分以上``, ``≤5300元/户``, ``每日3次``,
``9月前``, ``称职或以上``, ``百分之九十五`` — into a :class:`Target`: kind, comparator, number (a
:class:`~formaudit.figures.Figure`, so it carries its printed precision, unit and scale), period, direction
(higher or lower is better), ordinal level or deadline. ``parse_achieved`` finds the achieved value in a
cell that may be a whole sentence (``开展消防安全活动6次``, ``资源链接达50万``, ``≥266米``, ``优``, ``7月``,
``完成``) and never invents a number. ``reaches`` judges, three-valued, whether the achieved value reaches
the target, and says why; what cannot be judged raises :class:`~formaudit.errors.NotEvaluable`.

The engine-facing functions at the end (``target_kind``, ``reaches``, ``target_value``,
``achieved_value``, ``direction``, ``is_placeholder``, ``ratio``, ``missed_targets``) take expression values — a ``Figure``,
a ``str`` (``Text``), or ``None``/``Blank`` — and are meant for the ``formaudit.functions`` entry-point
group. See docs/targets.md for the conventions (in Chinese, with English summaries).

All arithmetic is Decimal; every regular expression is compiled once, at import; text-level parses are
cached (``functools.lru_cache``).
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal

from formaudit.errors import NotEvaluable
from formaudit.figures import BLANK_MARKERS, FALSE, MAYBE, TRUE, Figure, Truth, normalise_unit

__all__ = [
    "Target", "Achieved", "Verdict", "Deadline", "DateSpan",
    "parse_target", "parse_achieved", "judge", "reaches",
    "target_kind", "target_value", "achieved_value", "direction", "is_placeholder", "ratio", "missed_targets",
    "chinese_number", "OVERSHOOT",
]

_NOMINAL = Context(prec=40, rounding=ROUND_HALF_EVEN, Emax=999, Emin=-999)
_DOWN = Context(prec=40, rounding=ROUND_FLOOR, Emax=999, Emin=-999)
_UP = Context(prec=40, rounding=ROUND_CEILING, Emax=999, Emin=-999)
_ZERO = Decimal(0)
_ONE = Decimal(1)
_HALF = Decimal("0.5")
_INF = Decimal("Infinity")
_PERCENT = Decimal("0.01")

#: a completion ratio certainly at or above this is "far above target" (domain.md §2: ≥ 130 %)
OVERSHOOT = Decimal("1.3")

# ---------------------------------------------------------------------------------------------------
# Text normalisation: full-width and variant symbols, a few traditional characters, whitespace.
# ---------------------------------------------------------------------------------------------------

_TRANS: dict[int, str] = {i: chr(i - 0xFEE0) for i in range(0xFF01, 0xFF5F) if i != 0xFF0C}  # keep "，"
_TRANS.update({ord(k): v for k, v in {
    "≧": "≥", "≦": "≤", "⩾": "≥", "⩽": "≤", "≮": "≥", "≯": "≤",
    "═": "=", "﹦": "=", "⩵": "=", "﹤": "<", "﹥": ">", "‹": "<", "›": ">",
    "﹪": "%", "\u3000": " ", "\u00a0": " ", "．": ".",
    # traditional → simplified, only characters that matter to targets
    "萬": "万", "億": "亿", "個": "个", "內": "内", "於": "于", "達": "达", "過": "过", "優": "优",
    "稱": "称", "職": "职", "級": "级", "點": "点", "數": "数", "發": "发", "違": "违", "規": "规",
    "訴": "诉", "錯": "错", "誤": "误", "預": "预", "單": "单", "價": "价", "費": "费", "準": "准",
    "標": "标", "兩": "两", "戶": "户", "輛": "辆", "條": "条", "處": "处", "項": "项", "實": "实",
    "際": "际", "為": "为", "時": "时", "週": "周", "與": "与", "積": "积", "畝": "亩", "噸": "吨",
    "計": "计", "劃": "划", "務": "务", "滿": "满", "節": "节", "場": "场",
    "張": "张", "間": "间", "臺": "台", "台": "台", "門": "门", "無": "无", "壞": "坏", "較": "较",
    "質": "质", "補": "补", "貼": "贴", "資": "资", "金": "金", "額": "额", "險": "险", "災": "灾",
    "損": "损", "傷": "伤", "亡": "亡", "醫": "医", "辦": "办", "結": "结", "覆": "覆", "蓋": "盖",
}.items()})

_ANY_DIGIT = re.compile(r"\d")
_DIGIT_GAP = re.compile(r"(?<=\d)\s+(?=\d)")
_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    s = text.translate(_TRANS)
    s = _DIGIT_GAP.sub("|", s)  # never merge two numbers a cell wrap put side by side
    return _SPACE.sub("", s)


# ---------------------------------------------------------------------------------------------------
# Chinese numerals
# ---------------------------------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10000, "亿": 100000000}


def _cn_int(run: str) -> int | None:
    """An integer written in Chinese numerals (``二十五``, ``三千五百``, ``一百零五``, ``二〇二一``)."""
    if not run:
        return None
    if len(run) > 1 and all(ch in _CN_DIGITS for ch in run):
        return int("".join(str(_CN_DIGITS[ch]) for ch in run))  # 二〇二一 (digit by digit)
    total = section = 0
    num: int | None = None
    last_small = 10 ** 9
    for i, ch in enumerate(run):
        if ch in _CN_DIGITS:
            if num is not None and num != 0:
                return None  # two digits in a row: 十四五 is not a number
            num = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            unit = _CN_SMALL[ch]
            if unit >= last_small:
                return None
            if num is None:
                if ch != "十" or section:
                    if ch == "十" and section and run[i - 1] == "零":
                        num = 1
                    else:
                        return None
                else:
                    num = 1
            section += num * unit
            last_small = unit
            num = None
        elif ch in _CN_BIG:
            value = section + (num or 0)
            if value == 0:
                return None
            total += value * _CN_BIG[ch]
            section, num, last_small = 0, None, 10 ** 9
        else:
            return None
    return total + section + (num or 0)


def chinese_number(run: str) -> Decimal | None:
    """A Decimal from Chinese numerals, with ``点`` for the decimal point (``三点五`` → 3.5); None if
    ``run`` is not a well-formed numeral."""
    if "点" in run:
        whole, _, frac = run.partition("点")
        if not frac or not all(ch in _CN_DIGITS for ch in frac):
            return None
        head = _cn_int(whole) if whole else None
        if head is None:
            return None
        return Decimal(f"{head}.{''.join(str(_CN_DIGITS[ch]) for ch in frac)}")
    value = _cn_int(run)
    return None if value is None else Decimal(value)


# Units a number may carry. Longest first in the alternation.
_UNIT_WORDS = (
    "个百分点", "百分比", "百分点", "%", "‰",
    "人次", "户次", "车次", "架次", "班次", "批次", "场次", "频次", "课时", "学时", "个月", "小时", "分钟",
    "平方米", "平方公里", "立方米", "公里", "千米", "厘米", "毫米", "米", "公顷", "亩", "吨", "公斤",
    "千克", "克", "斤", "元", "人", "名", "位", "户", "家", "个", "次", "场", "期", "批", "所", "座",
    "处", "项", "件", "份", "篇", "本", "册", "条", "套", "台", "辆", "株", "棵", "头", "只", "粒",
    "匹", "张", "间", "幢", "栋", "块", "根", "盏", "组", "支", "队", "轮", "节", "课", "天", "日",
    "周", "月", "年", "起", "宗", "例", "部", "分", "种", "类", "单", "票", "趟", "村", "镇", "校",
    "所", "套", "卷", "宗", "平米", "m²", "m2", "km", "kg", "kW", "kWh", "GB", "TB", "m", "t",
)
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(set(_UNIT_WORDS), key=len, reverse=True))
_MULT_ALT = "百万|千万|万|亿|千"
_BARE_MULT = {"万": Decimal(10000), "亿": Decimal(100000000), "千": Decimal(1000),
              "百万": Decimal(1000000), "千万": Decimal(10000000)}
_UNIT_START = re.compile(rf"(?:{_MULT_ALT})?(?:{_UNIT_ALT})")

_CN_RUN = re.compile(r"(?P<pct>百分之|千分之)?(?P<num>(?:[零〇一二两三四五六七八九十万亿]|百(?!分之|分比|分点)|千(?!分之))+"
                     r"(?:点[零〇一二三四五六七八九]+)?)")
_ONE_X_ONE_Y = re.compile(r"[\u4e00-\u9fff]一")
_ONE_WORDS = ("次性", "般", "致", "起来", "起到", "道", "同", "定", "些", "直", "体", "样", "切", "律", "贯")
_CN_SUFFIX_OK = re.compile(r"(?:及以上|或以上|以上|及以下|或以下|以下|以内|之内|左右|/|$)")


def _convert_chinese(s: str, target_mode: bool) -> str:
    """Replace Chinese numerals that stand for a quantity by Arabic digits; leave words (一般, 十四五,
    一户一档, 第一) alone."""
    if not _CN_RUN.search(s):
        return s
    out: list[str] = []
    pos = 0
    for m in _CN_RUN.finditer(s):
        run = m.group("num")
        pct = m.group("pct")
        after = s[m.end():]
        before = s[m.start() - 1] if m.start() > 0 else ""
        replacement: str | None = None
        if pct:
            value = chinese_number(run) if run[0] in _CN_DIGITS or run[0] == "十" or run == "百" else None
            if run == "百":
                value = Decimal(100)
            if value is not None:
                replacement = f"{value}{'%' if pct == '百分之' else '‰'}"
        elif (run[0] in _CN_DIGITS or run[0] == "十") and before not in ("第", "初"):
            body, mult = run, ""
            if run[-1] in "万亿" and len(run) > 1:
                body, mult = run[:-1], run[-1]
            value = chinese_number(body)
            if value is not None:
                whole = m.start() == 0 and not after
                unit_next = bool(_UNIT_START.match(after)) or (mult and not after[:1].isdigit())
                month = after.startswith("月") and value <= 12 and not mult
                year = after.startswith("年") and len(body) == 4 and all(c in _CN_DIGITS for c in body)
                pattern_word = run == "一" and _ONE_X_ONE_Y.match(after) is not None  # 一户一档
                adjective = run in ("一", "两") and after.startswith(_ONE_WORDS)  # 一起 一般 一次性
                weekday = before in ("周", "期") and not unit_next  # 周一, 星期三
                ok = whole or month or year or unit_next
                if target_mode and not ok:
                    ok = bool(_CN_SUFFIX_OK.match(after))
                if ok and not pattern_word and not adjective and not weekday:
                    replacement = f"{value}{mult}"
        if replacement is not None:
            out.append(s[pos:m.start()])
            out.append(replacement)
            pos = m.end()
    out.append(s[pos:])
    return "".join(out)


# ---------------------------------------------------------------------------------------------------
# Comparators, periods, placeholders
# ---------------------------------------------------------------------------------------------------

_PREFIX_WORDS: dict[str, str] = {}
for _cmp, _words in (
    (">=", ("≥", ">=", "=>", "不低于", "不少于", "不小于", "不得低于", "不得少于", "不应低于", "不应少于",
            "应不低于", "应不少于", "至少", "最少", "最低", "达到", "达", "大于等于", "大于或等于",
            "高于或等于", "多于或等于")),
    (">", (">", "大于", "高于", "超过", "多于", "超出")),
    ("<=", ("≤", "<=", "=<", "不高于", "不超过", "不大于", "不多于", "不得高于", "不得超过", "不得大于",
            "不应高于", "不应超过", "应不高于", "应不超过", "最多", "至多", "最高", "控制在", "控制于",
            "小于等于", "小于或等于", "低于或等于", "少于或等于")),
    ("<", ("<", "低于", "小于", "少于")),
    ("=", ("==", "=", "等于", "≈", "约", "约为")),
):
    for _w in _words:
        _PREFIX_WORDS[_w] = _cmp
_PREFIX_CMP = re.compile("|".join(re.escape(w) for w in sorted(_PREFIX_WORDS, key=len, reverse=True)))
_SUFFIX_WORDS = {"及以上": ">=", "或以上": ">=", "以上": ">=", "之上": ">=", "及以下": "<=", "或以下": "<=",
                 "以下": "<=", "以内": "<=", "之内": "<=", "内": "<=", "为限": "<=", "封顶": "<=", "左右": "="}
_SUFFIX_CMP = re.compile("|".join(re.escape(w) for w in sorted(_SUFFIX_WORDS, key=len, reverse=True)))
# words that look like comparators in an achieved sentence but only report what happened (达到95%)
_ACHIEVED_CMP_SKIP = frozenset({"达到", "达", "约", "约为", "=", "==", "等于", "最高", "最低", "最多", "最少"})

_PERIODS = {"日": "per-day", "天": "per-day", "周": "per-week", "星期": "per-week", "月": "per-month",
            "季": "per-quarter", "季度": "per-quarter", "半年": "per-half-year", "年": "per-year",
            "年度": "per-year", "学期": "per-term"}
_PERIOD_PREFIX = re.compile(r"每(?P<a>半年|季度|学期|星期|日|天|周|月|季|年)|(?P<b>日|月|年|周)均|(?P<c>全年|全月)")
_PERIOD_UNIT = re.compile(r"/(?P<p>半年|季度|学期|日|天|周|月|季|年)$")

_PLACEHOLDER = re.compile(
    r"[*＊]{2,}"
    r"|(?<![A-Za-z])[Xx×Ｘｘ]{2,}(?![A-Za-z])"
    r"|^[≥≤<>=]*[Xx×*＊][^\dA-Za-z]{0,4}$"
    r"|^[.。…·]{2,}$|^…+$"
    r"|^指标\d+[:：]?$"
    r"|[○□]{2,}|_{3,}|＿{2,}"
    r"|请(?:填写|输入)|（?填写.{0,8}）"
)

# ---------------------------------------------------------------------------------------------------
# Direction words
# ---------------------------------------------------------------------------------------------------

_BAD_EVENT = re.compile(
    "事故|发生数|发生率|发生次数|发生起数|发生量|投诉|差错|超支|逾期|违规|违纪|违法|受害率|成灾率|死亡|伤亡|"
    "失误|返贫|辍学|流失|超标|不良事件|不良社会影响|发案|案发|损失|延误|拖欠|欠薪|错误率|出错|返工|不合格率|"
    "病死率|发病率|误差|火灾|灾害|感染率|复发|上访|闲置|滞留|结转结余率|积压"
)
_GOOD_RATE = re.compile(
    "处理率|办结率|处置率|完成率|覆盖率|合格率|满意度|满意率|知晓率|达标率|及时率|解决率|回复率|整改率|"
    "查处率|责停率|结案率|破案率|受理率|排查率|整治率|消除率|下降率|减少率|降低率|控制率|治理率|清理率|"
    "到位率|执行率|落实率|参与率|响应率|化解率|稳控率|处结率|下降|减少|降低|防控|预防|防治|整改|查处"
)
_COST = re.compile("成本|预算|价格|单价|标准|费用|造价|开支")

# ---------------------------------------------------------------------------------------------------
# Ordinal levels and dates
# ---------------------------------------------------------------------------------------------------

_LEVEL_WORDS = {"不合格": 1, "不称职": 1, "不及格": 1, "较差": 1, "基本称职": 2, "基本合格": 2,
                "优秀": 5, "优良": 4, "良好": 4, "较好": 4, "合格": 3, "称职": 3, "中等": 3, "及格": 3}
_LEVEL_SINGLE = {"优": 5, "良": 4, "中": 3, "低": 2, "差": 1}
_LEVEL_MULTI_ALT = "|".join(sorted(_LEVEL_WORDS, key=len, reverse=True))
_LEVEL_ANY = re.compile(rf"(?P<w>{_LEVEL_MULTI_ALT})(?!率|人|数|比例|等次率|单位|证)")
_LEVEL_CUED_SINGLE = re.compile(r"(?:为|达|评|获|等级|等次|结果|级别|评价|评定)[:：]?(?P<w>[优良中低差])(?:等|级)?(?![\u4e00-\u9fff])")
_LEVEL_ALONE = re.compile(r"^(?P<w>[优良中低差])(?:等|级|等级|等次)?[。.]?$")
_ORDINAL_TARGET = re.compile(
    rf"^(?:(?P<pre>.{{0,10}}?(?:达到|达|为|评为|获得|获|均达|均为|保持|不低于|不少于|至少))|(?P<neg>不低于))?"
    rf"(?P<w>{_LEVEL_MULTI_ALT}|[优良中低差])"
    rf"(?P<post>或以上|及以上|以上|或以下|及以下|以下)?(?:等次|等级|级|档次|水平|标准)?(?:完成)?[。.]?$"
)
_SCALE_TEXT = re.compile(r"^[（(]?优[、/,，]?良[、/,，]?中[、/,，]?(?:低[、/,，]?)?差[）)]?$")
_NEGATION = re.compile(r"(?:未|没有|没|尚未|不能|无法)(?:能)?(?:达到|达成|达|完成|实现)")

_DATE = re.compile(
    r"(?<!\d)(?:(?P<y>(?:19|20)\d{2})年)?(?P<m>1[0-2]|0?[1-9])月(?:份)?"
    r"(?:(?P<d>3[01]|[12]\d|0?[1-9])[日号])?"
    r"(?P<part>底|末|初|上旬|中旬|下旬|中)?(?P<rel>之前|以前|前|之内|以内|内|止|完成|结束)?"
    r"|(?<!\d)(?P<y2>(?:19|20)\d{2})[-/](?P<m2>1[0-2]|0?[1-9])(?:[-/](?P<d2>3[01]|[12]\d|0?[1-9]))?(?!\d)"
    r"|(?<!\d)(?P<y3>(?:19|20)\d{2})\.(?P<m3>1[0-2]|0?[1-9])\.(?P<d3>3[01]|[12]\d|0?[1-9])(?!\d)"
)
_DATE_WORDS = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})年)?(?P<w>上半年|下半年|年底|年末|年内|年度内|(?:第)?(?P<q>[1-4一二三四])季度(?:末|底)?)"
    r"(?P<rel>之前|以前|前|之内|以内|内|完成|结束)?"
)
_PERIODIC_DEADLINE = re.compile(r"每(?:月|周|季度?|年)\d{1,2}[日号]?(?:之前|以前|前)|(?<![月\d])\d{1,2}[日号](?:之前|以前|前)")
_DEADLINE_FILLER = re.compile(r"^(?:前|之前|以前|完成|全部完成|前完成|之前完成|底前|底完成|时间|完成时间|验收|"
                              r"完成验收|截止|截至|按期|按时|[。.,，;；、:：])*$")

_NUMBER = re.compile(r"(?<![\d.,])(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?")
_UNIT_AFTER = re.compile(
    rf"(?P<u>(?:{_MULT_ALT})?(?:{_UNIT_ALT})|{_MULT_ALT})?(?P<den>(?:/(?:{_UNIT_ALT}|[\u4e00-\u9fff]))*)"
)
_GENERIC_UNIT = re.compile(r"(?P<u>[\u4e00-\u9fff]{1,2}?)(?=$|及以上|或以上|以上|及以下|或以下|以下|以内|之内|左右|/|内$)")
_GENERIC_STOP = set("以及或之左内完前后底的和与为达共约余多在到至是否有无")
_RANGE_SEP = frozenset({"-", "~", "～", "—", "–", "至", "到", "—"})
_LIST_MARK_BEFORE = re.compile(r"(?:第|指标|任务|序号|编号|No\.?|NO\.?|[*×/^])$")
_ACHIEVED_KEY = re.compile(r"(?:实际|完成|达到|达|共|累计|合计|总计|实现)[^\d]{0,6}$")
_YES = frozenset({"是", "已", "有", "√", "yes", "Yes", "YES", "Y"})
_NO = frozenset({"否", "没有", "×", "no", "No", "NO", "N"})
_COMPLETION = re.compile(
    r"(?P<neg>未完成|未达到|未达成|未实现|没有完成|尚未完成|未能完成|未达标)"
    r"|(?P<partial>基本完成|部分完成|基本达到|基本达成|基本实现|部分达到|部分实现|基本达标)"
    r"|(?P<done>已完成|全部完成|全面完成|圆满完成|顺利完成|按时完成|按期完成|如期完成|提前完成|完成|"
    r"已达到|达成预期指标|达到预期|达成预期|达成|达到|已实现|实现|达标|已落实|落实)"
)
_PUNCT_STRIP = "。.，,；;：:！!、 "


# ---------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    """A date target. ``strict`` and ``lenient`` are the last (month, day) — with the year first when
    known — that certainly / possibly meet it: ``9月前`` is strict (9, 0) (before September starts) and
    lenient (9, 30) (by its end); ``11月底`` is (11, 30) both ways. Day 0 means "before day 1"."""

    year: int | None
    month: int
    day: int | None
    strict: tuple[int, int]
    lenient: tuple[int, int]

    def __str__(self) -> str:
        y = f"{self.year}年" if self.year else ""
        d = f"{self.day}日" if self.day else ""
        return f"{y}{self.month}月{d}"


@dataclass(frozen=True)
class DateSpan:
    """An achieved date: the first and last (month, day) it may stand for (``7月`` → (7, 1)–(7, 31))."""

    year: int | None
    first: tuple[int, int]
    last: tuple[int, int]

    def __str__(self) -> str:
        y = f"{self.year}年" if self.year else ""
        if self.first == self.last:
            return f"{y}{self.first[0]}月{self.first[1]}日"
        if self.first[0] == self.last[0] and self.first[1] == 1 and self.last[1] == _month_days(self.year, self.last[0]):
            return f"{y}{self.first[0]}月"
        return f"{y}{self.first[0]}月{self.first[1]}日–{self.last[0]}月{self.last[1]}日"


@dataclass(frozen=True)
class Target:
    """An indicator target as read from its cell (and the 指标性质 / 度量单位 columns when the layout has them).

    ``kind``: quantitative, ordinal, deadline, qualitative, placeholder or blank. ``comparator``: one of
    ``>= > <= < =`` (None when the target sets none). ``figure``: the target number as printed (its
    interval, unit and scale); ``upper`` its upper end for a range (``3-5次``). ``period``: per-day,
    per-week, per-month, per-quarter, per-half-year, per-year, per-term or None. ``direction``: higher or
    lower is better. ``level``: 1 (差) … 5 (优秀) for an ordinal target. ``deadline`` for a date.
    ``expected``: True/False for a 是/否 target. ``note`` says what was assumed or could not be read.
    """

    text: str
    kind: str
    comparator: str | None = None
    figure: Figure | None = None
    period: str | None = None
    direction: str = "higher"
    level: int | None = None
    level_word: str | None = None
    deadline: Deadline | None = None
    upper: Figure | None = None
    expected: bool | None = None
    note: str = ""

    @property
    def unit(self) -> str:
        return self.figure.style if self.figure is not None else ""

    def describe(self) -> str:
        if self.kind == "quantitative" and self.figure is not None:
            cmp = {">=": "≥", "<=": "≤", "=": "", None: ""}.get(self.comparator, self.comparator)
            fig = f"{_show(self.figure)}–{_show(self.upper)}" if self.upper is not None else _show(self.figure)
            return f"{cmp}{fig}{' ' + self.period if self.period else ''}"
        return self.text


@dataclass(frozen=True)
class Achieved:
    """An achieved value as read from its cell.

    ``kind``: quantitative, date, ordinal, yesno, completion, text, placeholder or blank — what the cell
    mainly says; the other fields keep everything found, so a target of any kind can use its part.
    ``figure`` is the number chosen (in the target's unit when a bare number was printed), ``candidates``
    every reading of every number in the cell that agrees with the target's unit, ``ambiguous`` True when
    they disagree. ``comparator`` is set when the cell repeats one (``≥266米``: at least 266).
    """

    text: str
    kind: str
    figure: Figure | None = None
    candidates: tuple[Figure, ...] = ()
    others: tuple[Figure, ...] = ()
    comparator: str | None = None
    period: str | None = None
    level: int | None = None
    level_word: str | None = None
    below_level: int | None = None
    date: DateSpan | None = None
    yes: bool | None = None
    completion: str | None = None  # "done", "partial", "not"
    ambiguous: bool = False
    note: str = ""


@dataclass(frozen=True)
class Verdict:
    """Whether an achieved value reaches its target: ``truth`` (TRUE, MAYBE within rounding, FALSE), a
    short ``reason``, the completion ``ratio`` (achieved ÷ target, or target ÷ achieved for a
    lower-is-better target) when both are numbers, and ``overshoot``: True when that ratio is certainly
    at least ``OVERSHOOT`` (130 %)."""

    truth: Truth
    reason: str
    ratio: Figure | None = None
    overshoot: bool = False


# ---------------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------------

def _show(fig: Figure | None) -> str:
    if fig is None:
        return ""
    return fig.printed if fig.printed is not None else fig.format()


def _reading(fig: Figure) -> str:
    """How a reading of a printed number is shown: ``90`` read in a 万元 target is ``90（90万元）``."""
    shown = _show(fig)
    if fig.printed is None:
        return shown
    style = fig.style or ("%" if fig.dim == "" else "")
    if not style or fig.printed.endswith(style):
        return shown
    return f"{fig.printed}（{fig.format(style)}）"


def _unit_info(unit: str | None) -> tuple[str | None, Decimal, str]:
    """Unit text → (dimension, scale, style). A bare multiplier (万) has no dimension but a scale."""
    if not unit:
        return None, _ONE, ""
    if unit in ("百分点", "个百分点"):
        unit = "%"
    if unit in _BARE_MULT:
        return None, _BARE_MULT[unit], unit
    dim, scale = normalise_unit(unit)
    return dim, scale, unit


def _make_figure(number: Decimal, decimals: int, dim: str | None, scale: Decimal, style: str,
                 printed: str) -> Figure:
    """A printed figure, with the conventions of ``Figure.parse`` (half a unit of the last printed digit;
    a printed zero count or amount is exact)."""
    value = _NOMINAL.multiply(number, scale)
    if number == 0 and dim != "":
        half = _ZERO
    else:
        half = _NOMINAL.multiply(_HALF * _ONE.scaleb(-decimals), scale)
    lo, hi = (value, value) if half == 0 else (_DOWN.subtract(value, half), _UP.add(value, half))
    return Figure(value, lo, hi, dim, printed=printed, style=style, scale=scale, decimals=decimals)


def _month_days(year: int | None, month: int) -> int:
    return calendar.monthrange(year or 2000, month)[1]


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    number: Decimal
    decimals: int
    unit: str  # without period denominator
    period: str | None
    printed: str


def _read_number(m: re.Match) -> tuple[Decimal, int]:
    digits = m.group("int").replace(",", "")
    frac = m.group("frac") or ""
    return Decimal(f"{digits}.{frac}" if frac else digits), len(frac)


def _tokens(s: str, *, target_mode: bool, skip: list[tuple[int, int]]) -> list[_Token]:
    out: list[_Token] = []
    for m in _NUMBER.finditer(s):
        if any(a <= m.start() < b for a, b in skip):
            continue
        number, decimals = _read_number(m)
        if len(m.group("int").replace(",", "")) + decimals > 30:
            continue
        end = m.end()
        um = _UNIT_AFTER.match(s, end)
        unit = um.group("u") or ""
        den = um.group("den") or ""
        if not unit and not den and target_mode:
            g = _GENERIC_UNIT.match(s, end)
            if g and g.group("u")[0] not in _GENERIC_STOP:
                unit = g.group("u")
                um = None
                end_unit = end + len(unit)
            else:
                end_unit = end
        else:
            end_unit = um.end()
        after = s[end_unit:end_unit + 1]
        before = s[:m.start()]
        # years (2021年), list markers (1、 1. (1)), ordinal and formula numbers (第3, 指标1, *100%)
        if unit.startswith("年") and not decimals and len(m.group("int")) == 4 and m.group("int")[:2] in ("19", "20"):
            continue
        if _LIST_MARK_BEFORE.search(before):
            continue
        if not unit and not den and (after in ("、", ")", "）") or
                                     (s[end:end + 1] == "." and not s[end + 1:end + 2].isdigit())):
            continue
        if not target_mode and unit == "日" and after == "前":
            continue  # a day of the month (15日前), not an amount
        period = None
        pm = _PERIOD_UNIT.search(den)
        if pm:
            period = _PERIODS[pm.group("p")]
            den = den[:pm.start()]
        unit_text = unit + den
        if unit_text.startswith("/"):
            unit_text = unit_text[1:]  # "1/月" leaves nothing but a period
        printed = s[m.start():m.end()] + unit_text
        out.append(_Token(m.start(), end_unit, number, decimals, unit_text, period, printed))
    return out


def _token_figure(tok: _Token) -> Figure:
    dim, scale, style = _unit_info(tok.unit)
    return _make_figure(tok.number, tok.decimals, dim, scale, style, tok.printed)


def _period_before(s: str, end: int) -> str | None:
    found = None
    for m in _PERIOD_PREFIX.finditer(s, 0, end):
        word = m.group("a") or m.group("b") or m.group("c")
        found = _PERIODS["年" if word == "全年" else "月" if word == "全月" else word]
    return found


def _comparator_before(s: str, start: int, end: int) -> str | None:
    found = None
    for m in _PREFIX_CMP.finditer(s, start, end):
        found = m.group(0)
    return found


def _comparator_after(s: str, pos: int) -> str | None:
    m = _SUFFIX_CMP.match(s, pos)
    if m and (m.group(0) != "内" or pos + 1 >= len(s) or s[pos + 1] in "完。"):
        return m.group(0)
    return None


# ---------------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------------

def _part_span(year: int | None, month: int, part: str | None) -> tuple[int, int]:
    last = _month_days(year, month)
    return {"初": (1, 10), "上旬": (1, 10), "中旬": (11, 20), "中": (11, 20), "下旬": (21, last),
            "底": (21, last), "末": (21, last)}.get(part or "", (1, last))


def _find_dates(s: str) -> list[tuple[int, int, int | None, int, int | None, str | None, str | None]]:
    """(start, end, year, month, day, part, rel) for every date in ``s``."""
    out = []
    for m in _DATE.finditer(s):
        if m.group("m"):
            y = int(m.group("y")) if m.group("y") else None
            out.append((m.start(), m.end(), y, int(m.group("m")), int(m.group("d")) if m.group("d") else None,
                        m.group("part"), m.group("rel")))
        elif m.group("m2"):
            out.append((m.start(), m.end(), int(m.group("y2")), int(m.group("m2")),
                        int(m.group("d2")) if m.group("d2") else None, None, None))
        else:
            out.append((m.start(), m.end(), int(m.group("y3")), int(m.group("m3")), int(m.group("d3")), None, None))
    for m in _DATE_WORDS.finditer(s):
        if any(a <= m.start() < b for a, b, *_ in out):
            continue
        if not m.group("rel") and not (m.start() == 0 and m.end() == len(s)):
            continue  # 年末 in 年中和年末均达良好 is no date; 年底前, 年内完成, 上半年 are
        y = int(m.group("y")) if m.group("y") else None
        w = m.group("w")
        if m.group("q"):
            month, part = int(_CN_DIGITS.get(m.group("q"), m.group("q"))) * 3, None
            first_month = month - 2
        elif w == "上半年":
            month, part, first_month = 6, None, 1
        elif w == "下半年":
            month, part, first_month = 12, None, 7
        elif w in ("年底", "年末"):
            out.append((m.start(), m.end(), y, 12, None, "底", m.group("rel")))
            continue
        else:
            month, part, first_month = 12, None, 1
        out.append((m.start(), m.end(), y, month, None, part, (m.group("rel") or "") + ("#%d" % first_month)))
    out.sort()
    return out


def _deadline_of(y, month, day, part, rel) -> Deadline:
    rel = (rel or "").split("#")[0]
    before = rel in ("前", "之前", "以前")
    key = (lambda md: (y,) + md) if y else (lambda md: md)
    if day is not None:
        lenient = (month, day)
        strict = (month, day - 1) if before else lenient
    elif part in ("底", "末"):
        strict = lenient = (month, _month_days(y, month))
    else:
        a, b = _part_span(y, month, part)
        lenient = (month, b)
        strict = (month, a - 1) if before else lenient
    return Deadline(y, month, day, key(strict), key(lenient))


def _span_of(y, month, day, part, rel) -> DateSpan:
    rel = rel or ""
    if "#" in rel:  # 上半年, 第二季度 … : the whole span
        first_month = int(rel.split("#")[1])
        return DateSpan(y, (first_month, 1), (month, _month_days(y, month)))
    if day is not None:
        return DateSpan(y, (month, day), (month, day))
    a, b = _part_span(y, month, part)
    return DateSpan(y, (month, a), (month, b))


# ---------------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------------

def _nature_info(nature: str | None) -> tuple[str | None, str | None]:
    """指标性质 column → (comparator, kind hint)."""
    if not nature:
        return None, None
    n = _norm(nature)
    if not n or n in BLANK_MARKERS:
        return None, None
    if "定性" in n:
        return None, "qualitative"
    if n in ("正向", "正向指标"):
        return ">=", None
    if n in ("反向", "反向指标"):
        return "<=", None
    m = _PREFIX_CMP.fullmatch(n) or _SUFFIX_CMP.fullmatch(n)
    if m:
        return _PREFIX_WORDS.get(n) or _SUFFIX_WORDS.get(n), None
    return None, None


def _direction_for(comparator: str | None, figure: Figure | None, name: str | None) -> str:
    if comparator in ("<=", "<"):
        return "lower"
    if comparator in (">=", ">"):
        return "higher"
    nm = _norm(name) if name else ""
    if figure is not None and figure.value == 0:
        return "lower"  # a zero target can only be a ceiling (0起事故, 0次)
    if nm and _BAD_EVENT.search(nm) and not _GOOD_RATE.search(nm):
        return "lower"
    if nm and _COST.search(nm) and not nm.endswith(("率", "度")) and (figure is None or figure.dim != ""):
        return "lower"
    return "higher"


def _base(text: str, kind: str, **kw) -> Target:
    return Target(text=text, kind=kind, **kw)


@functools.lru_cache(maxsize=8192)
def _parse_target_cached(text: str, nature: str | None, unit: str | None, name: str | None) -> Target:
    s = _norm(text)
    nat_cmp, nat_kind = _nature_info(nature)
    unit_n = _norm(unit) if unit else ""
    if unit_n in BLANK_MARKERS:
        unit_n = ""
    core = s.strip(_PUNCT_STRIP)
    if not core or core in BLANK_MARKERS:
        return _base(text, "blank", comparator=nat_cmp, note="blank target")
    if _PLACEHOLDER.search(core):
        cm = _PREFIX_CMP.match(core)
        return _base(text, "placeholder", comparator=(_PREFIX_WORDS[cm.group(0)] if cm else nat_cmp),
                     note="template placeholder left in")
    if core in ("是", "否"):
        return _base(text, "qualitative", expected=(core == "是"), note="yes/no target")
    if _SCALE_TEXT.match(core):
        return _base(text, "qualitative", note="grade scale (优良中低差) without a required level")

    # ordinal: 良好, 称职或以上, 年中和年末均达良好
    om = _ORDINAL_TARGET.match(core)
    if om and not _ANY_DIGIT.search(core):
        w = om.group("w")
        single = len(w) == 1
        if not single or om.group("pre") or core.rstrip("。.") in _LEVEL_SINGLE or core.startswith(w):
            level = _LEVEL_WORDS.get(w) or _LEVEL_SINGLE[w]
            post = om.group("post") or ""
            cmp = "<=" if "以下" in post else ">="
            return _base(text, "ordinal", comparator=cmp, level=level, level_word=w,
                         direction="lower" if cmp == "<=" else "higher")

    converted = _convert_chinese(core, target_mode=True)

    if _PERIODIC_DEADLINE.search(converted):
        return _base(text, "qualitative", note="a recurring deadline (每月…日前), not one date")

    # deadlines: 9月前, 11月底完成, 2021年11月30日前
    dates = _find_dates(converted)
    if dates:
        start, end, y, month, day, part, rel = dates[-1]
        rest = converted[:dates[0][0]] + converted[end:]
        plain_rel = (rel or "").split("#")[0]
        leftover_numbers = [t for t in _tokens(converted, target_mode=True, skip=[(a, b) for a, b, *_ in dates])]
        cue = bool(plain_rel) or part in ("底", "末") or _DEADLINE_FILLER.match(converted[end:]) is not None
        if not leftover_numbers and cue and (len(dates) == 1 or all(d[0] >= dates[0][0] for d in dates)):
            dl = _deadline_of(y, month, day, part, rel)
            cmp = "<" if dl.strict != dl.lenient else "<="
            note = "" if not rest or _DEADLINE_FILLER.match(rest) else f"text around the date ignored: {rest}"
            return _base(text, "deadline", comparator=cmp, deadline=dl, direction="lower", note=note)

    tokens = _tokens(converted, target_mode=True, skip=[(a, b) for a, b, *_ in dates])
    if not tokens:
        kind = "qualitative"
        return _base(text, kind, note="no number" if nat_kind != "qualitative" else "指标性质: 定性")

    notes: list[str] = []
    upper_tok = None
    main = None
    if len(tokens) == 1:
        main = tokens[0]
    elif len(tokens) == 2 and converted[tokens[0].end:tokens[1].start] in _RANGE_SEP \
            and (not tokens[0].unit or tokens[0].unit == tokens[1].unit):
        main, upper_tok = tokens[0], tokens[1]
    else:
        flagged = []
        prev_end = 0
        for i, tok in enumerate(tokens):
            c_before = _comparator_before(converted, prev_end, tok.start)
            c_after = _comparator_after(converted, tok.end)
            if (c_before and converted[:tok.start].endswith(c_before)) or c_after:
                flagged.append(tok)
            prev_end = tok.end
        if len(flagged) == 1:
            main = flagged[0]
            notes.append(f"several numbers; took the one with a comparator: {main.printed}")
        else:
            return _base(text, "qualitative", note=f"several numbers, no single target: {converted}")

    last = upper_tok or main
    prev_end = 0
    for tok in tokens:
        if tok is main:
            break
        prev_end = tok.end
    word_before = _comparator_before(converted, prev_end, main.start)
    word_after = _comparator_after(converted, last.end)
    cmp_text = None
    if word_before:
        cmp_text = _PREFIX_WORDS[word_before]
    if word_after:
        after_cmp = _SUFFIX_WORDS[word_after]
        if cmp_text and cmp_text != after_cmp and not (cmp_text[0] == after_cmp[0]):
            notes.append(f"comparators disagree ({word_before} … {word_after}); took {word_before}")
        elif not cmp_text or cmp_text == "=":
            cmp_text = after_cmp
    if nat_cmp:
        if cmp_text and cmp_text != nat_cmp:
            notes.append(f"指标性质 says {nature}, the value says {cmp_text}; took the value's")
        cmp_text = cmp_text or nat_cmp
    comparator = cmp_text or "="

    # unit: the value's own, else the 度量单位 column
    period = main.period or last.period or _period_before(converted, main.start)
    unit_text = last.unit if upper_tok is not None else main.unit
    if unit_n:
        col_unit, col_period = unit_n, None
        pm = _PERIOD_UNIT.search(col_unit)
        if pm:
            col_period = _PERIODS[pm.group("p")]
            col_unit = col_unit[:pm.start()]
        if not unit_text:
            unit_text = col_unit
        elif unit_text in _BARE_MULT and col_unit:
            unit_text = unit_text + col_unit  # 一万 with 度量单位 元 is 1 万元: the multiplier is a scale
        elif _unit_info(unit_text)[0] != _unit_info(col_unit)[0] and col_unit:
            notes.append(f"度量单位 says {unit}, the value says {unit_text}; took the value's")
        period = period or col_period
    dim, scale, style = _unit_info(unit_text)

    def fig(tok: _Token) -> Figure:
        printed = tok.printed if tok.unit == unit_text else f"{converted[tok.start:tok.start + len(tok.printed) - len(tok.unit)]}{unit_text}"
        return _make_figure(tok.number, tok.decimals, dim, scale, style, printed)

    figure = fig(main)
    upper = fig(upper_tok) if upper_tok is not None else None
    if nat_kind == "qualitative":
        notes.append("指标性质 says 定性 but the value is a number")
    return _base(text, "quantitative", comparator=comparator, figure=figure, upper=upper, period=period,
                 direction=_direction_for(comparator, figure, name), note="; ".join(notes))


def parse_target(text: object, *, nature: object = None, unit: object = None, name: object = None) -> Target:
    """Read a target cell. ``nature`` is the 指标性质 column (≥ ≤ = 定性 …), ``unit`` the 度量单位 column,
    ``name`` the indicator name (it decides the direction of an equal or zero target: 事故发生数 0次 is a
    ceiling, 成本预算 = 6万元 too)."""
    if isinstance(text, Figure) and text.printed is None:
        return _target_from_figure(text, _opt_str(nature), _opt_str(name))
    return _parse_target_cached(_text_of(text), _opt_str(nature), _opt_str(unit), _opt_str(name))


def _target_from_figure(fig: Figure, nature: str | None, name: str | None) -> Target:
    nat_cmp, _ = _nature_info(nature)
    cmp = nat_cmp or "="
    return Target(text=fig.format(), kind="quantitative", comparator=cmp, figure=fig,
                  direction=_direction_for(cmp, fig, name))


# ---------------------------------------------------------------------------------------------------
# Achieved values
# ---------------------------------------------------------------------------------------------------

def _compatible(a: str | None, b: str | None) -> bool:
    if a is None or b is None or a == b:
        return True
    aliases = {"名": "人", "位": "人", "平米": "平方米", "m²": "平方米", "m2": "平方米",
               "起": "次", "宗": "次", "例": "次"}
    a, b = aliases.get(a, a), aliases.get(b, b)
    if a == b:
        return True
    # 元/户 vs 元: a per-unit denominator left out on one side
    return a.split("/")[0] == b.split("/")[0] and ("/" in a) != ("/" in b)


def _readings(tok: _Token, target: Target | None) -> list[Figure]:
    """The figures a token may stand for, given the target: a bare number takes the target's unit; a bare
    万 with a 元 target means 万元; a bare number ≤ 1 against a % target may be a fraction (0.95 = 95 %)."""
    tfig = target.figure if target is not None and target.kind == "quantitative" else None
    if tfig is None:
        return [_token_figure(tok)]
    dim, scale, style = _unit_info(tok.unit)
    if not tok.unit:
        readings = [_make_figure(tok.number, tok.decimals, tfig.dim, tfig.scale, tfig.style, tok.printed)]
        if tfig.dim == "" and tfig.scale == _PERCENT and _ZERO < tok.number <= _ONE:
            readings.append(_make_figure(tok.number, tok.decimals, "", _ONE, "", tok.printed))
        return readings
    if dim is None and tok.unit in _BARE_MULT and tfig.dim:
        tstyle = tfig.style
        if tstyle[:1] in "万亿千" and len(tstyle) > 1 and tstyle[:2] != "千克" and tstyle[:2] != "千米":
            tstyle = tstyle[2:] if tstyle[:2] in _BARE_MULT else tstyle[1:]
        base = normalise_unit(tstyle)[1] if tstyle else _ONE
        return [_make_figure(tok.number, tok.decimals, tfig.dim, _BARE_MULT[tok.unit] * base,
                             tok.unit + tstyle, tok.printed)]
    return [_make_figure(tok.number, tok.decimals, dim, scale, style, tok.printed)]


def _achieved_comparator(s: str, tok: _Token, prev_end: int) -> str | None:
    word = _comparator_before(s, prev_end, tok.start)
    if word and s[:tok.start].endswith(word) and word not in _ACHIEVED_CMP_SKIP:
        return _PREFIX_WORDS[word]
    after = _comparator_after(s, tok.end)
    if after and after != "左右":
        return _SUFFIX_WORDS[after]
    return None


@functools.lru_cache(maxsize=16384)
def _parse_achieved_cached(text: str, target: Target | None) -> Achieved:
    s = _norm(text)
    core = s.strip(_PUNCT_STRIP)
    if not core or core in BLANK_MARKERS:
        return Achieved(text, "blank")
    if _PLACEHOLDER.search(core):
        return Achieved(text, "placeholder", note="template placeholder left in")
    converted = _convert_chinese(core, target_mode=False)
    negated = _NEGATION.search(converted) is not None

    # levels
    level = level_word = below = None
    found_levels = [(m.start(), m.group("w")) for m in _LEVEL_ANY.finditer(converted)]
    found_levels += [(m.start(), m.group("w")) for m in _LEVEL_CUED_SINGLE.finditer(converted)]
    am = _LEVEL_ALONE.match(converted)
    if am:
        found_levels.append((0, am.group("w")))
    if found_levels:
        ranks = [(_LEVEL_WORDS.get(w) or _LEVEL_SINGLE[w], w) for _, w in found_levels]
        rank, word = min(ranks)
        if negated:
            below = rank
        else:
            level, level_word = rank, word

    # dates
    dates = _find_dates(converted)
    date = None
    if dates:
        _, _, y, month, day, part, rel = dates[-1]
        date = _span_of(y, month, day, part, rel)

    # yes / no, completion
    yes = True if core in _YES else False if core in _NO else None
    completion = None
    cm = _COMPLETION.search(converted)
    if cm:
        completion = "not" if cm.group("neg") else "partial" if cm.group("partial") else "done"

    # numbers
    tokens = _tokens(converted, target_mode=False, skip=[(a, b) for a, b, *_ in dates])
    notes: list[str] = []
    matching: list[tuple[_Token, Figure]] = []
    others: list[Figure] = []
    tfig = target.figure if target is not None and target.kind == "quantitative" else None
    for tok in tokens:
        for reading in _readings(tok, target):
            if tfig is None or _compatible(reading.dim, tfig.dim):
                matching.append((tok, reading))
            else:
                others.append(reading)
    figure = None
    comparator = None
    period = None
    ambiguous = False
    if matching:
        exact_unit = [(t, f) for t, f in matching if t.unit] if tfig is not None and tfig.dim is not None else []
        pool = exact_unit or matching
        values = {f.value for _, f in pool}
        if len(values) > 1:
            ambiguous = True
            keyed = [(t, f) for t, f in pool if _ACHIEVED_KEY.search(converted[:t.start])]
            tok, figure = (keyed or pool)[-1]
            notes.append("several figures: " + ", ".join(_reading(f) for _, f in pool))
        else:
            tok, figure = pool[-1]
        prev_end = max([t.end for t in tokens if t.end <= tok.start], default=0)
        comparator = _achieved_comparator(converted, tok, prev_end)
        period = tok.period or _period_before(converted, tok.start)
        candidates = tuple(f for _, f in pool)
    else:
        candidates = ()
        if others:
            figure = others[0] if len(others) == 1 else None
            notes.append("unit mismatch: " + ", ".join(_show(f) for f in others))
            if len(others) > 1:
                ambiguous = True
    if figure is not None or others:
        kind = "quantitative"
    elif date is not None:
        kind = "date"
    elif level is not None or below is not None:
        kind = "ordinal"
    elif yes is not None:
        kind = "yesno"
    elif completion is not None:
        kind = "completion"
    else:
        kind = "text"
    return Achieved(text, kind, figure=figure, candidates=candidates, others=tuple(others),
                    comparator=comparator, period=period, level=level, level_word=level_word,
                    below_level=below, date=date, yes=yes, completion=completion, ambiguous=ambiguous,
                    note="; ".join(notes))


def parse_achieved(text: object, target: Target | object = None) -> Achieved:
    """Read an achieved-value cell. With a ``target`` (a :class:`Target`, or its text) the numbers in a
    sentence are read in its unit and the one whose unit matches is preferred."""
    if target is not None and not isinstance(target, Target):
        target = parse_target(target)
    if isinstance(text, Figure) and text.printed is None:
        return Achieved(text.format(), "quantitative", figure=text, candidates=(text,))
    return _parse_achieved_cached(_text_of(text), target)


# ---------------------------------------------------------------------------------------------------
# Judging
# ---------------------------------------------------------------------------------------------------

def _test(lo: Decimal, lo_open: bool, hi: Decimal, hi_open: bool, op: str, t: Decimal) -> Truth:
    if op == ">=":
        if lo >= t:
            return TRUE
        if hi < t or (hi == t and hi_open):
            return FALSE
    elif op == ">":
        if lo > t or (lo == t and lo_open):
            return TRUE
        if hi <= t:
            return FALSE
    elif op == "<=":
        if hi <= t:
            return TRUE
        if lo > t or (lo == t and lo_open):
            return FALSE
    elif op == "<":
        if hi < t or (hi == t and hi_open):
            return TRUE
        if lo >= t:
            return FALSE
    return MAYBE


def _bounds(a: Figure, t: Figure, comparator: str | None) -> tuple[Decimal, bool, Decimal, bool]:
    """What the achieved value may be. Printed at the target's precision or finer it is read at its
    printed value (95% against ≥95% is met); coarser, it keeps its rounding interval (95% against
    ≥95.3% may or may not be). A repeated comparator (≥266米) opens one side."""
    if a.half_width <= t.half_width:
        lo = hi = a.value
    else:
        lo, hi = a.lo, a.hi
    if comparator in (">=", ">"):
        return lo, comparator == ">", _INF, False
    if comparator in ("<=", "<"):
        return -_INF, False, hi, comparator == "<"
    return lo, False, hi, False


def _in_unit_of(t: Figure, a: Figure | None) -> Figure:
    """A target printed without a unit (``≥95`` with no 度量单位) is read in the achieved value's unit
    (``96%``), as a bare achieved number is read in the target's."""
    if a is None or t.dim is not None or t.style or a.dim is None or t.printed is None:
        return t
    return _make_figure(t.value, t.decimals or 0, a.dim, a.scale, a.style, t.printed)


def _ratio(a: Figure, target: Target) -> Figure | None:
    t = target.figure
    if target.upper is not None:
        t = target.upper if target.direction == "lower" else target.figure
    if t is not None:
        t = _in_unit_of(t, a)
    if t is None or t.value <= 0:
        return None
    tv = t.value
    if target.direction == "lower":
        if a.lo <= 0:
            return None
        value = _NOMINAL.divide(tv, a.value)
        lo, hi = _DOWN.divide(tv, a.hi), _UP.divide(tv, a.lo)
    else:
        value = _NOMINAL.divide(a.value, tv)
        lo, hi = _DOWN.divide(a.lo, tv), _UP.divide(a.hi, tv)
    return Figure(value, lo, hi, "", style="%", scale=_PERCENT, decimals=2)


_OPS_SHOWN = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}


def _judge_quantitative(a: Achieved, target: Target) -> Verdict:
    if a.kind in ("blank",):
        raise NotEvaluable("blank achieved value")
    if a.kind == "placeholder":
        raise NotEvaluable(f"placeholder achieved value '{a.text}'")
    if a.figure is None and not a.candidates:
        if a.others:
            t = target.figure
            raise NotEvaluable(f"unit mismatch: achieved {', '.join(_show(f) for f in a.others)} "
                               f"({'/'.join((f.dim or '比率') for f in a.others)}) vs target {target.text.strip()} "
                               f"({(t.dim or '比率') if t is not None else '?'})")
        if a.completion == "not":
            return Verdict(FALSE, f"未达到 not reached: achieved value says '{a.text}'")
        raise NotEvaluable(f"no figure in achieved value '{a.text}'")
    t = target.figure
    if a.figure is not None and not a.candidates:
        raise NotEvaluable(f"unit mismatch: achieved {_show(a.figure)} ({a.figure.dim or '比率'}) vs target "
                           f"{target.text.strip()} ({t.dim or '比率'})")
    if a.period and target.period and a.period != target.period:
        raise NotEvaluable(f"period mismatch: achieved {a.period} vs target {target.period}")
    if a.period and a.period != "per-year" and not target.period:
        raise NotEvaluable(f"period mismatch: achieved {a.period} vs a yearly target")
    op = target.comparator or "="
    threshold = t
    if op == "=":
        op = "<=" if target.direction == "lower" else ">="
        if target.upper is not None and target.direction == "lower":
            threshold = target.upper
    truths = []
    for cand in (a.candidates or (a.figure,)):
        limit = _in_unit_of(threshold, cand)
        lo, lo_open, hi, hi_open = _bounds(cand, limit, a.comparator)
        truths.append(_test(lo, lo_open, hi, hi_open, op, limit.value))
    threshold = _in_unit_of(threshold, a.figure)
    ranks = {x.rank for x in truths}
    truth = truths[0] if len(ranks) == 1 else MAYBE
    shown = _reading(a.figure)
    if a.comparator:
        shown = _OPS_SHOWN[a.comparator] + shown
    need = f"{_OPS_SHOWN[op]}{_reading(threshold)}"
    if truth is TRUE:
        reason = f"达到 reached: {shown} {need}"
    elif truth is FALSE:
        reason = f"未达到 not reached: {shown} vs {need}"
    elif len(ranks) > 1:
        reason = f"不确定 ambiguous: several figures in '{a.text}' vs {need}"
    else:
        reason = f"舍入内不确定 within rounding: {shown} vs {need}"
    ratio_fig = _ratio(a.figure, target) if a.figure is not None and not a.ambiguous else None
    overshoot = ratio_fig is not None and ratio_fig.lo >= OVERSHOOT
    return Verdict(truth, reason, ratio_fig, overshoot)


def _judge_ordinal(a: Achieved, target: Target) -> Verdict:
    need = f"{'≥' if target.comparator == '>=' else '≤'}{target.level_word}"
    if a.level is None and a.below_level is None:
        if a.kind == "blank":
            raise NotEvaluable("blank achieved value")
        raise NotEvaluable(f"ordinal target '{target.text.strip()}' but no level in achieved value '{a.text}'")
    if a.level is None:
        if target.comparator == ">=" and a.below_level <= target.level:
            return Verdict(FALSE, f"未达到 not reached: '{a.text}' vs {need}")
        return Verdict(MAYBE, f"不确定 uncertain: '{a.text}' vs {need}")
    ok = a.level >= target.level if target.comparator == ">=" else a.level <= target.level
    word = f"{a.level_word}"
    return Verdict(TRUE if ok else FALSE,
                   f"{'达到 reached' if ok else '未达到 not reached'}: {word} vs {need}")


def _judge_deadline(a: Achieved, target: Target) -> Verdict:
    dl = target.deadline
    if a.date is None:
        if a.kind == "blank":
            raise NotEvaluable("blank achieved value")
        raise NotEvaluable(f"no date in achieved value '{a.text}'")
    d = a.date
    both_years = d.year is not None and dl.year is not None
    strict, lenient = dl.strict, dl.lenient
    if dl.year is not None:
        strict, lenient = strict[1:], lenient[1:]
    if both_years:
        first, last = (d.year,) + d.first, (d.year,) + d.last
        strict, lenient = (dl.year,) + strict, (dl.year,) + lenient
    else:
        first, last = d.first, d.last
    if last <= strict:
        return Verdict(TRUE, f"达到 reached: {d} by {target.text.strip()}")
    if first > lenient:
        return Verdict(FALSE, f"未达到 not reached: {d} after {target.text.strip()}")
    return Verdict(MAYBE, f"不确定 uncertain: {d} vs {target.text.strip()}")


def judge(achieved: object, target: object, nature: object = None, unit: object = None,
          name: object = None) -> Verdict:
    """Whether ``achieved`` reaches ``target`` (each a parsed object, a text or a Figure) → Verdict.
    Raises NotEvaluable when it cannot be judged: qualitative, placeholder or blank target; no figure,
    date or level in the achieved value for the target's kind; unit or period mismatch."""
    t = target if isinstance(target, Target) else _as_target(target, nature, unit, name)
    a = achieved if isinstance(achieved, Achieved) else _as_achieved(achieved, t)
    return _judge_cached(a, t)


@functools.lru_cache(maxsize=16384)
def _judge_cached(a: Achieved, t: Target) -> Verdict:
    if t.kind == "blank":
        raise NotEvaluable("blank target")
    if t.kind == "placeholder":
        raise NotEvaluable(f"placeholder target '{t.text.strip()}'")
    if t.kind == "qualitative":
        if t.expected is not None and a.yes is not None:
            ok = a.yes == t.expected
            return Verdict(TRUE if ok else FALSE, f"{'达到 reached' if ok else '未达到 not reached'}: "
                                                   f"{a.text.strip()} vs {t.text.strip()}")
        raise NotEvaluable(f"qualitative target '{t.text.strip()}'")
    if t.kind == "ordinal":
        return _judge_ordinal(a, t)
    if t.kind == "deadline":
        return _judge_deadline(a, t)
    return _judge_quantitative(a, t)


# ---------------------------------------------------------------------------------------------------
# Engine-facing functions (entry points in ``formaudit.functions``)
# ---------------------------------------------------------------------------------------------------

def _is_blank(value: object) -> bool:
    return value is None or type(value).__name__ == "Blank"


def _text_of(value: object) -> str:
    if _is_blank(value):
        return ""
    if isinstance(value, Figure):
        return value.printed if value.printed is not None else value.format()
    if isinstance(value, (str, int, Decimal)) and not isinstance(value, bool):
        return str(value)
    raise NotEvaluable(f"not a text or a figure: {type(value).__name__}")


def _opt_str(value: object) -> str | None:
    if _is_blank(value):
        return None
    text = _text_of(value)
    return text if text.strip() else None


def _as_target(target: object, nature: object = None, unit: object = None, name: object = None) -> Target:
    if isinstance(target, Target):
        return target
    return parse_target(target, nature=nature, unit=unit, name=name)


def _as_achieved(achieved: object, target: Target) -> Achieved:
    if isinstance(achieved, Achieved):
        return achieved
    return parse_achieved(achieved, target)


def target_kind(target: object, nature: object = None, unit: object = None, name: object = None) -> str:
    """quantitative, ordinal, deadline, qualitative, placeholder or blank."""
    return _as_target(target, nature, unit, name).kind


def reaches(achieved: object, target: object, nature: object = None, unit: object = None,
            name: object = None):
    """Whether the achieved value reaches the target.

    Given a parsed :class:`Achieved` and :class:`Target`, returns the :class:`Verdict` (truth, reason,
    ratio, overshoot). Given engine values (text, Figure, None), returns the ``Truth`` — TRUE, MAYBE
    (within rounding or ambiguous) or FALSE — and raises NotEvaluable when it cannot be judged."""
    if isinstance(achieved, Achieved) and isinstance(target, Target):
        return judge(achieved, target)
    return judge(achieved, target, nature, unit, name).truth


def target_value(target: object, nature: object = None, unit: object = None, name: object = None) -> Figure:
    """The target's number as a Figure (``≤5300元/户`` → 5300 元/户 ± 0.5)."""
    t = _as_target(target, nature, unit, name)
    if t.kind != "quantitative" or t.figure is None:
        raise NotEvaluable(f"{t.kind} target '{t.text.strip()}' has no number")
    return t.figure


def achieved_value(achieved: object, target: object = None, nature: object = None, unit: object = None,
                   name: object = None) -> Figure:
    """The achieved number, read in the target's unit (``资源链接达50万`` for ``50万元`` → 500000 元)."""
    t = _as_target(target, nature, unit, name) if not _is_blank(target) else None
    a = parse_achieved(achieved, t)
    if a.figure is None:
        if a.others:
            raise NotEvaluable(f"unit mismatch: achieved value '{a.text}' has {', '.join(_show(f) for f in a.others)}")
        raise NotEvaluable(f"no figure in achieved value '{a.text}'")
    if a.ambiguous:
        raise NotEvaluable(f"several figures in achieved value '{a.text}': "
                           + ", ".join(_show(f) for f in (a.candidates or a.others)))
    return a.figure


def direction(target: object, nature: object = None, name: object = None, unit: object = None) -> str:
    """``higher`` or ``lower`` (is better): lower for ≤ < and their words, for a zero or equal target of a
    bad event (事故, 投诉, 受害率 …), for an equal target on a cost or budget, and for a deadline."""
    return _as_target(target, nature, unit, name).direction


def is_placeholder(text: object) -> Truth:
    """TRUE for a template placeholder left in the form (``≥**人``, ``指标1``, ``……``, ``XX``, ``xxx``)."""
    if _is_blank(text):
        return FALSE
    core = _norm(_text_of(text)).strip(_PUNCT_STRIP.replace(".", "").replace("。", ""))
    return TRUE if core and _PLACEHOLDER.search(core) else FALSE


def ratio(achieved: object, target: object, nature: object = None, unit: object = None,
          name: object = None) -> Figure:
    """Completion ratio: achieved ÷ target, or target ÷ achieved for a lower-is-better target (as a %
    figure with the interval the printed values allow)."""
    t = _as_target(target, nature, unit, name)
    if t.kind != "quantitative":
        raise NotEvaluable(f"{t.kind} target '{t.text.strip()}' has no number")
    a = parse_achieved(achieved, t)
    if a.figure is None or not a.candidates:
        if a.figure is not None or a.others:
            raise NotEvaluable(f"unit mismatch: achieved value '{a.text}' vs target '{t.text.strip()}'")
        raise NotEvaluable(f"no figure in achieved value '{a.text}'")
    if a.ambiguous:
        raise NotEvaluable(f"several figures in achieved value '{a.text}'")
    r = _ratio(a.figure, t)
    if r is None:
        raise NotEvaluable(f"ratio undefined: achieved {_show(a.figure)} vs target {t.text.strip()}")
    return r


def missed_targets(rows: object):
    """The indicator rows whose achieved value certainly does not reach the target (``reaches`` is false),
    read with each row's ``nature``, ``unit`` and ``name`` when it has them: ``len(missed_targets(indicators)) > 0``.
    A list of lists (``col(tasks, 'indicators')``) is read as one list. Rows that cannot be judged
    (qualitative targets, no figure, a unit mismatch) and rows that reach the target only possibly are not
    counted."""
    from formaudit.values import Record, Rows

    if _is_blank(rows):
        return Rows(())
    if not isinstance(rows, tuple):
        raise NotEvaluable(f"missed_targets() needs indicator rows, not {type(rows).__name__}")
    flat = [r for x in rows for r in (x if isinstance(x, tuple) else (x,))]
    out = []
    for r in flat:
        if not isinstance(r, Record):
            continue
        target, achieved = r.get("target"), r.get("achieved")
        if _is_blank(target) or _is_blank(achieved):
            continue
        try:
            truth = judge(achieved, target, r.get("nature"), r.get("unit"), r.get("name")).truth
        except NotEvaluable:
            continue
        if truth is FALSE:
            out.append(r)
    return Rows(out, getattr(rows, "pointer", ""))


# Their result depends on the arguments alone: within one form, the checker reuses it for a second call with
# the same arguments (three indicator rules asking ``reaches`` of the same row parse and judge it once).
for _fn in (target_kind, reaches, target_value, achieved_value, direction, ratio, missed_targets):
    _fn.pure = True  # type: ignore[attr-defined]
