"""Legacy Vietnamese encodings: TCVN3, VNI-Windows, VISCII, VIQR, CP1258, NFD (hoso.vntext.legacy)."""

import shutil
import subprocess
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso.vntext import nfc
from hoso.vntext.legacy import (
    Detection,
    Encoding,
    convert,
    detect,
    from_bytes,
    from_unicode,
    prevailing,
    to_unicode,
)

# --- Vietnamese text, built from syllables ------------------------------------------------------------------

ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "ph",
          "qu", "r", "s", "t", "th", "tr", "v", "x"]
OPEN_RIMES = (
    "a e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu uơ iêu yêu oa oe uê uy oai oay "
    "oeo uây uôi ươi ươu uya uyu"
).split()
CLOSED_RIMES = (
    "an am ap at ang ac anh ach ăn ăm ăp ăt ăng ăc ân âm âp ât âng âc en em ep et eng ec ên êm êp êt ênh êch "
    "in im ip it inh ich on om op ot ong oc ôn ôm ôp ôt ông ôc ơn ơm ơp ơt un um up ut ung uc ưn ưm ưt ưng ưc "
    "iên iêm iêp iêt iêng iêc yên yêt uôn uôm uôt uông uôc ươn ươm ươp ươt ương ươc oan oat oang oac oanh oach "
    "oăn oăt oăng oăc oen oet uân uât uyên uyêt uynh uych uyt oong ooc"
).split()
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # ngang huyền hỏi ngã sắc nặng
VOWELS = set("aăâeêioôơuưy")


@st.composite
def syllables(draw):
    onset = draw(st.sampled_from(ONSETS))
    rime = draw(st.sampled_from(OPEN_RIMES + CLOSED_RIMES))
    if (onset == "gi" and rime[0] == "i") or (onset == "qu" and rime[0] == "u"):
        onset = onset[0] + "h" if onset == "gi" else "c"
    stop = rime.endswith(("p", "t", "c", "ch"))
    tone = draw(st.sampled_from(TONES[4:] if stop else TONES))
    vowel_positions = [i for i, ch in enumerate(rime) if ch in VOWELS]
    at = draw(st.sampled_from(vowel_positions)) + 1
    word = unicodedata.normalize("NFC", onset + rime[:at] + tone + rime[at:])
    case = draw(st.sampled_from(["lower", "lower", "title", "upper"]))
    return word.title() if case == "title" else word.upper() if case == "upper" else word


SEPARATORS = [" ", " ", " ", "  ", ", ", ". ", " - ", "-", "/", " (", ") ", "? ", "!", ": ", "'", '"', " 12 ", "3",
              "\n", ".", "?", "\\", "^", "~ "]


@st.composite
def vietnamese_texts(draw):
    words = draw(st.lists(syllables(), min_size=1, max_size=6))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words) + 1, max_size=len(words) + 1))
    seps[0] = draw(st.sampled_from(["", "", " ", "(", "1. ", "-"]))
    seps[-1] = draw(st.sampled_from(["", "", ".", "?", ")", " "]))
    return "".join(sep + word for sep, word in zip(seps, words, strict=False)) + seps[-1]


def encodable_tcvn3(text):
    """The normal TCVN3 fonts have no toned capitals: fall back to lower case where the text has them."""
    try:
        from_unicode(text, Encoding.TCVN3)
    except ValueError:
        return text.lower()
    return text


# --- round trips ---------------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(vietnamese_texts())
def test_round_trip_tcvn3(text):
    text = encodable_tcvn3(text)
    assert to_unicode(from_unicode(text, Encoding.TCVN3), Encoding.TCVN3) == nfc(text)


@settings(max_examples=150, deadline=None)
@given(vietnamese_texts())
def test_round_trip_tcvn3_capital_font(text):
    text = text.upper()
    legacy = from_unicode(text, Encoding.TCVN3, capitals=True)
    assert to_unicode(legacy, Encoding.TCVN3, capitals=True) == nfc(text)


@pytest.mark.parametrize("encoding", [Encoding.VNI, Encoding.VISCII, Encoding.VIQR, Encoding.CP1258])
@settings(max_examples=200, deadline=None)
@given(text=vietnamese_texts())
def test_round_trip(encoding, text):
    assert to_unicode(from_unicode(text, encoding), encoding) == nfc(text)


@settings(max_examples=100, deadline=None)
@given(vietnamese_texts())
def test_unicode_and_nfd_come_back_nfc(text):
    for encoding in (Encoding.UNICODE, Encoding.NFD):
        assert to_unicode(from_unicode(text, encoding), encoding) == nfc(text)


LOWER_LETTERS = "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵbcdđghklmnpqrstvx"


def test_every_letter_round_trips_alone():
    letters = LOWER_LETTERS + LOWER_LETTERS.upper()
    assert len(set(letters)) == 2 * (72 + 17)
    for encoding in (Encoding.VNI, Encoding.VISCII, Encoding.VIQR, Encoding.CP1258):
        for letter in letters:
            if encoding is Encoding.VIQR and letter in "đĐ":
                continue  # VIQR "dd" becomes đ only as the initial of a syllable (tested below)
            assert to_unicode(from_unicode(letter, encoding), encoding) == letter, (encoding, letter)
    for letter in LOWER_LETTERS:
        caps = letter.upper()
        assert to_unicode(from_unicode(caps, Encoding.TCVN3, capitals=True), Encoding.TCVN3, capitals=True) == caps
        assert to_unicode(from_unicode(letter, Encoding.TCVN3), Encoding.TCVN3) == letter


# --- known spellings (written by hand, not by the code under test) --------------------------------------------

@pytest.mark.parametrize(
    ("encoding", "legacy", "unicode"),
    [
        (Encoding.TCVN3, "NguyÔn V¨n §øc", "Nguyễn Văn Đức"),
        (Encoding.TCVN3, "Hoµng", "Hoàng"),
        (Encoding.TCVN3, "Tr\xadêng S¬n", "Trường Sơn"),
        (Encoding.VNI, "Nguyeãn Vaên Ñöùc", "Nguyễn Văn Đức"),
        (Encoding.VNI, "Vieät Nam", "Việt Nam"),
        (Encoding.VNI, "Tröôøng Sôn", "Trường Sơn"),
        (Encoding.VNI, "Nguyeãn Thò Vónh", "Nguyễn Thị Vĩnh"),
        (Encoding.VNI, "NGUYEÃN VAÊN ÑÖÙC", "NGUYỄN VĂN ĐỨC"),
        (Encoding.VISCII, "Nguy\xadn V\xe5n \xd0\xd1c", "Nguyễn Văn Đức"),
        (Encoding.VIQR, "Nguye^~n Va(n DDu+'c", "Nguyễn Văn Đức"),
        (Encoding.VIQR, "Tru+o+`ng So+n", "Trường Sơn"),
        (Encoding.CP1258, "NguyêÞn Vãn Ðýìc", "Nguyễn Văn Đức"),
    ],
)
def test_known_spellings(encoding, legacy, unicode):
    assert to_unicode(legacy, encoding) == unicode
    if not (encoding is Encoding.VNI and legacy.isupper()):
        assert from_unicode(unicode, encoding) == legacy


def test_tables_agree_with_glibc_iconv():
    """glibc iconv knows VISCII and TCVN5712-1 (whose VN1 table extends the TCVN3/VN3 one we implement)."""
    if shutil.which("iconv") is None:
        pytest.skip("iconv not installed")
    lower = "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđ"
    for encoding, name, text in [
        (Encoding.VISCII, "VISCII", lower + lower.upper()),
        (Encoding.TCVN3, "TCVN5712-1", lower + "ĂÂÊÔƠƯĐ"),
    ]:
        legacy = from_unicode(text, encoding)
        raw = b"".join(ch.encode("cp1252") if ch.encode("cp1252", "ignore") else ch.encode("latin-1")
                       for ch in legacy)
        assert len(raw) == len(text)
        result = subprocess.run(["iconv", "-f", name, "-t", "UTF-8"], input=raw, capture_output=True, check=True)
        assert unicodedata.normalize("NFC", result.stdout.decode()) == text, name


# --- the traps ----------------------------------------------------------------------------------------------

def test_vni_is_decoded_in_one_pass_not_by_replacing():
    assert to_unicode("Hoaøng", Encoding.VNI) == "Hoàng"  # not "Hồng": "oà" is ồ only as a pair
    assert to_unicode("Hoàng", Encoding.VNI) == "Hồng"  # ... which is what those code points mean in VNI
    assert convert("Hoaøng") == ("Hoàng", detect("Hoaøng"))
    assert detect("Hoaøng").encoding is Encoding.VNI


def test_tcvn3_capital_font():
    expected = "NGUYỄN VĂN ĐỨC"
    legacy = from_unicode(expected, Encoding.TCVN3, capitals=True)
    assert legacy == "NGUYÔN V¡N §øC"
    assert to_unicode(legacy, Encoding.TCVN3, capitals=True) == expected
    assert to_unicode(legacy, Encoding.TCVN3) == "NGUYễN VĂN ĐứC"  # what a normal font would show
    assert convert(legacy, font=".VnTimeH") == (expected, Detection(Encoding.TCVN3, 1.0, capitals=True))
    text, detection = convert(legacy)  # without the font, the mixed case gives it away
    assert (text, detection.encoding, detection.capitals) == (expected, Encoding.TCVN3, True)
    # An H font shows every letter as a capital, whatever was typed.
    assert to_unicode("nguyÔn", Encoding.TCVN3, capitals=True) == "NGUYỄN"


def test_tcvn3_normal_fonts_have_no_toned_capitals():
    with pytest.raises(ValueError, match="tcvn3"):
        from_unicode("Ánh", Encoding.TCVN3)
    with pytest.raises(ValueError, match="lower case"):
        from_unicode("Ánh", Encoding.TCVN3, capitals=True)
    assert from_unicode("Đức Ăn Ơn", Encoding.TCVN3) == "§øc ¡n ¥n"


def test_unencodable_characters_raise():
    for encoding in (Encoding.TCVN3, Encoding.VNI, Encoding.VISCII, Encoding.VIQR):
        with pytest.raises(ValueError):
            from_unicode("Nguyễn – ç", encoding)


def test_cp1258_bytes_or_decoded_text_come_back_nfc():
    name = "Nguyễn Thị Thuỷ"
    as_bytes = from_unicode(name, Encoding.CP1258)  # the bytes as Latin-1 characters, as openpyxl gives them
    assert as_bytes.encode("latin-1") == b"Nguy\xea\xden Thi\xf2 Thuy\xd2"  # ê + tilde, i + dot, y + hook
    decoded = as_bytes.encode("latin-1").decode("cp1258")  # what a program that knew cp1258 would give us
    assert any(unicodedata.combining(ch) for ch in decoded)
    assert to_unicode(as_bytes, Encoding.CP1258) == name
    assert to_unicode(decoded, Encoding.CP1258) == name
    assert convert(as_bytes) == (name, Detection(Encoding.CP1258, detect(as_bytes).confidence))
    assert convert(decoded) == (name, Detection(Encoding.CP1258, 1.0))


def test_nfd_comes_back_nfc():
    name = "Nguyễn Văn Đức Hoàng Thuỷ"
    nfd = unicodedata.normalize("NFD", name)
    assert to_unicode(nfd, Encoding.NFD) == name
    assert convert(nfd) == (name, Detection(Encoding.NFD, 1.0))


# --- VIQR punctuation ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("viqr", "unicode"),
    [
        ("Cty. ABC?", "Cty. ABC?"),  # "Cty" is no syllable: the full stop stays
        ("e.g. O'Brien", "e.g. O'Brien"),
        ("Kro^ng", "Krông"),  # a circumflex is decoded even in a non-Vietnamese word
        ("Thi.nh Thi.", "Thịnh Thị"),
        ("ddi DDa` Na(~ng, DDT", "đi Đà Nẵng, DDT"),  # dd only as a whole initial before a vowel
        ("Addis", "Addis"),
        ("Ha` No^.i\\.", "Hà Nội."),  # escaped full stop
        ("a\\? \\dd \\\\", "a? dd \\"),
        ("Ho^`ng (Ga^'m)", "Hồng (Gấm)"),
    ],
)
def test_viqr_rules(viqr, unicode):
    assert to_unicode(viqr, Encoding.VIQR) == unicode


# --- detection ---------------------------------------------------------------------------------------------------

NAMES = [
    "Nguyễn Văn Đức", "Hoàng Thị Thuỷ", "Trần Quốc Toản", "Lê Thị Hồng Gấm", "Phạm Ngọc Thạch", "Đặng Thùy Trâm",
    "Võ Nguyên Giáp", "Huỳnh Tấn Phát", "Ngô Thị Tuyển", "Bùi Thị Xuân", "Lê Văn Tám", "Nguyễn Thị Minh Khai",
    "Trần Phú", "Lý Tự Trọng", "Nguyễn Văn Trỗi", "Phan Đình Phùng", "Đinh Tiên Hoàng", "Trương Định",
    "Hoàng Hoa Thám", "Nguyễn Thái Học", "Võ Thị Sáu", "Mạc Thị Bưởi", "Nguyễn Viết Xuân", "Tô Vĩnh Diện",
    "Phan Đình Giót", "Bế Văn Đàn", "Cù Chính Lan", "La Văn Cầu", "Trần Thị Lý", "Lê Thị Riêng",
    "Nguyễn Thị Định", "Ngô Gia Tự", "Hà Huy Tập", "Lê Hồng Phong", "Tôn Đức Thắng", "Huỳnh Thúc Kháng",
    "Phan Bội Châu", "Lương Thế Vinh", "Chu Văn An", "Dương Thị Xuân Quý", "Nông Văn Dền", "Đoàn Thị Điểm",
    "Trịnh Công Sơn", "Đỗ Thị Kim Liên", "Phùng Văn Khầu", "Hồ Thị Bích Ngọc",
]
PLACES = [
    "Triệu Phong", "Hải Lăng", "Gio Linh", "Đông Hà", "Vĩnh Linh", "Hướng Hóa", "Đa Krông", "Cam Lộ", "Cồn Cỏ",
    "Quảng Trị", "Thừa Thiên Huế", "Khe Sanh", "Lao Bảo", "Cửa Việt", "Cửa Tùng", "Vĩnh Mốc", "Hiền Lương",
    "Bến Hải", "Làng Vây", "Triệu Thành", "Hải Thượng", "Gio Mỹ", "Hướng Phùng", "Tà Rụt", "Ba Lòng",
    "Nghĩa trang liệt sĩ Trường Sơn", "xã Hải Quy, huyện Hải Lăng", "thị trấn Gio Linh",
]
ALL = NAMES + PLACES
FONTS = {Encoding.TCVN3: ".VnTime", Encoding.VNI: "VNI-Times", Encoding.VISCII: "VISCII Times"}


def test_the_list_is_long_enough():
    assert len(ALL) >= 60
    assert len(set(ALL)) == len(ALL)


@pytest.mark.parametrize("encoding", [Encoding.TCVN3, Encoding.VNI, Encoding.VISCII, Encoding.VIQR,
                                      Encoding.CP1258])
def test_names_round_trip_exactly(encoding):
    for name in ALL:
        assert to_unicode(from_unicode(name, encoding), encoding) == name


@pytest.mark.parametrize("encoding", list(FONTS))
def test_with_the_font_detection_is_certain(encoding):
    for name in ALL:
        legacy = from_unicode(name, encoding)
        assert convert(legacy, font=FONTS[encoding]) == (name, Detection(encoding, 1.0))


def test_capital_font_names():
    for name in ALL:
        caps = name.upper()
        legacy = from_unicode(caps, Encoding.TCVN3, capitals=True)
        assert convert(legacy, font=".VnArialH") == (caps, Detection(Encoding.TCVN3, 1.0, capitals=True))


def test_font_names():
    assert detect("abc", font=".VnTime") == Detection(Encoding.TCVN3, 1.0)
    assert detect("ABC", font=" .VnTimeH ") == Detection(Encoding.TCVN3, 1.0, capitals=True)
    assert detect("abc", font="VNI-Helve") == Detection(Encoding.VNI, 1.0)
    assert detect("abc", font="VPS Times").encoding is Encoding.VISCII
    # A Unicode font: the text decides.
    assert detect("Nguyeãn Vaên Ñöùc", font="Times New Roman").encoding is Encoding.VNI
    assert detect("Nguyễn Văn Đức", font="Arial") == Detection(Encoding.UNICODE, 1.0)
    # Unicode text in a legacy font (no 8-bit font can produce "ễ"): still Unicode.
    assert detect("Nguyễn Văn Đức", font=".VnTime") == Detection(Encoding.UNICODE, 1.0)


@pytest.mark.parametrize("encoding", [Encoding.TCVN3, Encoding.VNI, Encoding.VISCII, Encoding.VIQR,
                                      Encoding.CP1258])
def test_detection_without_font(encoding):
    converted = identified = distinguishable = 0
    misses = []
    for name in ALL:
        legacy = from_unicode(name, encoding)
        text, detection = convert(legacy)
        converted += text == name
        if legacy != name:
            distinguishable += 1
            # VISCII and CP1258 both write Đ as 0xD0: "Ðông Hà" reads the same either way.
            identified += detection.encoding is encoding or to_unicode(legacy, encoding) == text
        if text != name or (legacy != name and detection.encoding is not encoding):
            misses.append((legacy, text, detection.encoding.value, detection.confidence))
    conversion_rate = converted / len(ALL)
    identification_rate = identified / distinguishable
    print(f"\n{encoding.value}: converted {converted}/{len(ALL)} = {conversion_rate:.1%}; encoding identified "
          f"{identified}/{distinguishable} = {identification_rate:.1%} (of texts that differ from Unicode, counting "
          "an encoding that reads the same as right); "
          f"misses: {misses}")
    assert conversion_rate >= 0.95
    assert identification_rate >= 0.95


def test_genuine_unicode_is_never_taken_for_legacy():
    for text in ALL + [name.upper() for name in ALL] + ["Hoàng", "à á ạ", "à á", "Hòa", "Võ Thị Sáu", "Lê Bá Tú"]:
        result, detection = convert(text)
        assert detection.encoding in (Encoding.UNICODE, Encoding.NFD), (text, detection)
        assert result == text


def test_ascii_is_unicode():
    for text in ["", "Gio Linh", "12/5/1972", "Cty. ABC?", "Cong ty TNHH", "Thi. tran"]:
        assert detect(text) == Detection(Encoding.UNICODE, 1.0), text
    assert detect("Nguye^~n Va(n DDu+'c").encoding is Encoding.VIQR


def test_ambiguous_short_cells_prefer_unicode_with_low_confidence():
    detection = detect("Hoàng")  # VNI would read "Hồng"
    assert detection.encoding is Encoding.UNICODE
    assert detection.confidence <= 0.6
    assert detect("Hoaøng").confidence >= 0.8
    assert detect(from_unicode("Nguyễn Văn Đức", Encoding.VNI)).confidence >= 0.9


def test_a_whole_column_settles_what_one_cell_cannot():
    """Callers with many cells of one column should detect on them together."""
    cells = [from_unicode(name, Encoding.VNI) for name in ("Hồ", "Thị", "Bình", "Nguyễn Văn An")]
    assert cells[:3] == ["Hoà", "Thò", "Bình"]  # each of these is also good Unicode Vietnamese
    assert detect(cells[0]).encoding is Encoding.UNICODE
    column = detect("\n".join(cells))
    assert column.encoding is Encoding.VNI
    assert [to_unicode(cell, column.encoding) for cell in cells] == ["Hồ", "Thị", "Bình", "Nguyễn Văn An"]


def test_encoding_is_a_str_enum():
    assert Encoding("vni") is Encoding.VNI
    assert to_unicode("Vieät", "vni") == "Việt"


# --- a sheet's encoding: prevailing() and prefer= ----------------------------------------------------------------

@pytest.mark.parametrize(("text", "encoding"), [("Hồ Thị Kim Vui", Encoding.VNI), ("Lý Thanh Lễ", Encoding.TCVN3),
                                                ("Phan Tiến Tòng", Encoding.VISCII), ("Cao Bá Nghị", Encoding.VIQR),
                                                ("Lê Như Kính", Encoding.CP1258)])
def test_a_short_cell_that_reads_two_ways_follows_its_sheet(text, encoding):
    cell = from_unicode(text, encoding)
    assert convert(cell)[0] != text  # alone, another reading wins or ties
    assert convert(cell, prefer=encoding)[0] == text


def test_prevailing_reads_the_cells_without_a_deciding_font_together():
    header = ["Họ và tên", "Ghi chú"]
    for encoding in (Encoding.TCVN3, Encoding.VNI, Encoding.VISCII, Encoding.VIQR, Encoding.CP1258):
        assert prevailing((from_unicode(t, encoding), None) for t in header) is encoding
    assert prevailing((t, None) for t in header) is None
    # Unicode names whose every letter is Latin-1 read as legacy names too ("Ngô" is TCVN3 "Ngụ"): still Unicode
    assert prevailing((t, None) for t in ["Ngô Duy Lý", "Võ Công Hào", "Thái Quang Hùng"]) is None
    # cells a font decides do not vote; the others (typed in Unicode here) do
    cells = [(from_unicode("Nguyễn Văn Đức", Encoding.TCVN3), ".VnTime"), ("Số hồ sơ", "Times New Roman")]
    assert prevailing(cells) is None


def test_legacy_bytes_read_as_cells_do():
    assert from_bytes(b"Nguy\xd4n \x80") == "NguyÔn €"  # Windows-1252 where it defines the byte, else Latin-1
    assert to_unicode(from_bytes(b"Nguy\xd4n V\xa8n \xa7\xf8c"), Encoding.TCVN3) == "Nguyễn Văn Đức"
    data = "Nguyê\u0303n Văn Đư\u0301c".encode("cp1258")  # Windows-1258 writes ễ as ê + combining tilde
    assert to_unicode(from_bytes(data), Encoding.CP1258) == "Nguyễn Văn Đức"
