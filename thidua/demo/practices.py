"""Demo effective models for the seed campaign: what district unions of Ho Chi Minh City did for
the e-ID drive (CV2), online public services guidance (CV3) and the Volunteer Saturday (CV5),
with their results. Most are published (two featured), one awaits the coordinator, one was
returned with a reason; a few carry a photo (a small generated PNG) or a leaflet (PDF).

Everything goes through the library's services (audit trail included) with 2023 dates; nobody is
notified.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from dataclasses import dataclass

from thidua.campaigns.models import Campaign
from thidua.core.timeutils import vn_datetime
from thidua.demo.submissions import pdf_bytes
from thidua.practices import services
from thidua.practices.models import Field, Practice
from thidua.units.models import Unit


def png_bytes(width: int = 96, height: int = 64, colour=(21, 101, 192), band=(255, 193, 7)) -> bytes:
    """A small valid PNG: a coloured picture with a band across it (RGB, 8 bits, one IDAT chunk)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = []
    for y in range(height):
        pixel = bytes(band if height // 3 <= y < 2 * height // 3 else colour)
        rows.append(b"\x00" + pixel * width)  # filter type 0 for each scanline
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class Example:
    unit: str
    activity: str
    field: str
    title: str
    description: str
    results: str
    contact: tuple[str, str]
    state: str  # draft, submitted, published, featured, returned
    photo: tuple[int, int, int] | None = None
    leaflet: str = ""
    return_reason: str = ""


F = Field
EXAMPLES = [
    Example(
        "QD1",
        "CV3",
        F.PUBLIC_SERVICES,
        "Tổ công nghệ số cộng đồng trực tại Bộ phận một cửa 10 phường",
        "Mỗi sáng thứ Hai, thứ Tư và thứ Sáu, 2 đoàn viên trực tại Bộ phận tiếp nhận và trả kết quả của mỗi phường, "
        "hướng dẫn người dân tạo tài khoản, nộp hồ sơ và thanh toán phí trên Cổng dịch vụ công quốc gia thay cho "
        "nộp hồ sơ giấy. Người cao tuổi được hỗ trợ thao tác ngay trên máy tính bảng của phường; đoàn viên ghi lại "
        "các lỗi thường gặp để Văn phòng UBND phường phản ánh lên Sở Thông tin và Truyền thông.",
        "Từ 15/4 đến 30/6/2023: hướng dẫn 4.860 lượt người dân nộp hồ sơ trực tuyến; tỷ lệ hồ sơ nộp trực tuyến tại "
        "10 phường tăng từ 38% lên 71%; 126 đoàn viên tham gia trực, mỗi đoàn viên 6 buổi.",
        ("Phạm Quốc Bảo – Phó Bí thư Quận Đoàn 1", "0900 000 101"),
        "featured",
        photo=(21, 101, 192),
    ),
    Example(
        "HD-NHABE",
        "CV2",
        F.DIGITAL,
        "“Mỗi đoàn viên – một tài khoản định danh mức độ 2” tại ấp, khu dân cư",
        "Huyện Đoàn phối hợp Công an huyện mở 42 điểm hỗ trợ tại nhà văn hóa ấp vào tối thứ Năm và sáng Chủ nhật. "
        "Mỗi chi đoàn nhận danh sách hộ dân của ấp, đến từng nhà mời người chưa có tài khoản; đoàn viên hướng dẫn "
        "cài VNeID, công an xác thực mức độ 2 tại chỗ.",
        "Hỗ trợ 7.420 người dân kích hoạt tài khoản định danh điện tử mức độ 2; 100% cán bộ Đoàn, đoàn viên của "
        "huyện hoàn thành tài khoản mức độ 2 trước ngày 31/5/2023; 42 điểm hỗ trợ ở 7 xã, thị trấn.",
        ("Trần Ngọc Hân – Phó Bí thư Huyện Đoàn Nhà Bè", "0900 000 102"),
        "featured",
        photo=(46, 125, 50),
    ),
    Example(
        "QD-GOVAP",
        "CV5",
        F.VOLUNTEERING,
        "Ngày thứ Bảy tình nguyện “Hồ sơ không giấy” tại 16 phường",
        "Sáng thứ Bảy hằng tuần, đội hình thanh niên tình nguyện đặt bàn hỗ trợ trước trụ sở UBND phường: số hóa "
        "giấy tờ, nộp hồ sơ hộ tịch và đăng ký cư trú trực tuyến, hướng dẫn tra cứu tiến độ hồ sơ qua tin nhắn.",
        "8 ngày thứ Bảy, 16 phường: 2.315 hồ sơ được nộp trực tuyến, 3.100 lượt người dân được hướng dẫn; thời gian "
        "chờ tại bộ phận một cửa giảm khoảng một nửa vào sáng thứ Bảy.",
        ("Đỗ Minh Nhật – Bí thư Đoàn phường 5", "0900 000 103"),
        "published",
        photo=(198, 40, 40),
    ),
    Example(
        "QD3",
        "CV3",
        F.PUBLIC_SERVICES,
        "Cẩm nang dịch vụ công trực tuyến bằng mã QR dán tại khu phố",
        "Đoàn viên biên soạn cẩm nang một trang cho 12 thủ tục người dân hay làm nhất; mỗi thủ tục có mã QR dẫn "
        "thẳng đến trang nộp hồ sơ và video hướng dẫn 2 phút. Cẩm nang được dán tại bảng tin khu phố, chung cư và "
        "bộ phận một cửa.",
        "1.200 cẩm nang tại 12 phường; 9.800 lượt quét mã QR trong 2 tháng; số cuộc gọi hỏi thủ tục đến phường "
        "giảm 30%.",
        ("Lương Ngọc Trâm – Ủy viên Ban Thường vụ Quận Đoàn 3", "0900 000 104"),
        "published",
        leaflet="Cam nang dich vu cong truc tuyen - Quan Doan 3",
    ),
    Example(
        "HD-CUCHI",
        "CV5",
        F.ADMIN_REFORM,
        "Xe tình nguyện lưu động hỗ trợ thủ tục hành chính cho bà con vùng xa",
        "Mỗi thứ Bảy, một xe của Huyện Đoàn chở đội hình tình nguyện và thiết bị (máy tính, máy quét, wifi di động) "
        "đến ấp xa trung tâm xã, hỗ trợ người dân nộp hồ sơ trực tuyến, cài ứng dụng và thanh toán không dùng tiền mặt.",
        "10 chuyến đến 20 ấp của 10 xã: 1.540 lượt người dân được hỗ trợ, 610 hồ sơ nộp trực tuyến, 380 tài khoản "
        "định danh mức độ 2 được kích hoạt.",
        ("Huỳnh Văn Lợi – Phó Bí thư Huyện Đoàn Củ Chi", "0900 000 105"),
        "published",
    ),
    Example(
        "QD-BINHTHANH",
        "CV3",
        F.DIGITAL,
        "Zalo OA “Hỏi nhanh – đáp gọn thủ tục” do đoàn viên trực",
        "Quận Đoàn lập Zalo Official Account trả lời câu hỏi về thủ tục hành chính trong giờ hành chính và tối thứ "
        "Ba, thứ Năm; 20 đoàn viên là công chức trẻ của các phòng ban trực theo lịch, câu trả lời mẫu được rà soát "
        "với Phòng Tư pháp.",
        "4.150 người theo dõi; 2.780 câu hỏi được trả lời, 92% trong vòng 4 giờ; 35 câu trả lời mẫu được các phường "
        "dùng lại.",
        ("Võ Quốc Huy – Ủy viên Ban Chấp hành Quận Đoàn Bình Thạnh", "0900 000 106"),
        "published",
    ),
    Example(
        "QD8",
        "CV2",
        F.DIGITAL,
        "Góc hỗ trợ định danh điện tử buổi tối cho công nhân ở trọ",
        "Các chi đoàn khu phố mở góc hỗ trợ từ 19 giờ đến 21 giờ tại các dãy nhà trọ đông công nhân, vì ban ngày "
        "công nhân đi làm không đến được điểm hỗ trợ của phường.",
        "Sau 6 tuần: 1.020 công nhân được hỗ trợ cài đặt và kích hoạt tài khoản định danh mức độ 2 tại 18 dãy trọ.",
        ("Nguyễn Thị Thu Hà – Phó Bí thư Quận Đoàn 8", "0900 000 107"),
        "submitted",
        photo=(123, 31, 162),
    ),
    Example(
        "HD-CANGIO",
        "CV5",
        F.VOLUNTEERING,
        "Tình nguyện viên hỗ trợ thủ tục hành chính cho ngư dân",
        "Đội hình thanh niên tình nguyện hỗ trợ ngư dân làm thủ tục hành chính tại các bến cá vào ngày thứ Bảy.",
        "Nhiều ngư dân được hỗ trợ.",
        ("Lê Thanh Phong – Bí thư Huyện Đoàn Cần Giờ", "0900 000 108"),
        "returned",
        return_reason="Mô hình chưa nêu số liệu kết quả (số lượt ngư dân được hỗ trợ, số hồ sơ nộp trực tuyến) và cách "
        "tổ chức cụ thể; đề nghị bổ sung số liệu và hình ảnh hoạt động rồi gửi lại.",
    ),
]


def build(campaign: Campaign, *, coordinator, officers_by_unit: dict) -> dict:
    """The demo's effective models (a model already there, by unit and name, is left alone)."""
    activities = {a.code: a for a in campaign.activities.all()}
    counts: dict[str, int] = {}
    for n, example in enumerate(EXAMPLES):
        unit = Unit.objects.filter(code=example.unit).first()
        if unit is None or Practice.objects.filter(campaign=campaign, unit=unit, title=example.title).exists():
            continue
        author = officers_by_unit.get(example.unit, coordinator)
        _make(campaign, unit, example, activities.get(example.activity), author, coordinator, n)
        counts[example.state] = counts.get(example.state, 0) + 1
    return {"practices": sum(counts.values()), "states": counts}


def _make(campaign, unit, example: Example, activity, author, coordinator, n: int) -> Practice:
    # Weekdays from Monday 8 May 2023: written in the morning, sent in the afternoon, decided a week later.
    written = vn_datetime(dt.date(2023, 5, 8) + dt.timedelta(days=n + 2 * (n // 5)), 9)
    uploads = []
    if example.photo:
        uploads.append((f"hinh-anh-{example.unit.lower()}.png", png_bytes(colour=example.photo)))
    if example.leaflet:
        uploads.append(("cam-nang.pdf", pdf_bytes(example.leaflet)))
    name, phone = example.contact
    content = services.PracticeContent(
        title=example.title,
        field=example.field,
        description=example.description,
        results=example.results,
        activity=activity,
        contact_name=name,
        contact_phone=phone,
    )
    practice = services.practice_save(
        actor=author, content=content, campaign=campaign, unit=unit, uploads=uploads, now=written
    )
    if example.state == "draft":
        return practice
    sent = written + dt.timedelta(hours=7)
    practice = services.practice_submit(actor=author, practice=practice, now=sent, notify=False)
    decided = written + dt.timedelta(days=7, hours=1)
    if example.state == "returned":
        return services.practice_return(
            actor=coordinator, practice=practice, reason=example.return_reason, now=decided, notify=False
        )
    if example.state in ("published", "featured"):
        featured = example.state == "featured"
        return services.practice_publish(
            actor=coordinator, practice=practice, featured=featured, now=decided, notify=False
        )
    return practice
