"""Demo data: a realistic Ho Chi Minh City Youth Union (Thành Đoàn TP.HCM) directory as of 2023.

This module is plain data for seeding demo databases. The names are realistic (real districts,
wards, universities and city companies as they stood in 2023, before the 2025 administrative
merger), but this is NOT an authoritative register: which units really report directly to the
city union, their exact official names and their codes are simplified or invented for the demo.

Contents
--------
``CITY``
    ``(code, full name, short name)`` of the root unit (kind "city").
``DEPARTMENTS`` / ``INSTITUTIONS`` / ``ENTERPRISES``
    ``(code, full name, short name)``; kinds "department", "institution", "enterprise".
``DIRECT_UNITS``
    ``(code, full name, short name, kind)`` for the "cơ sở Đoàn trực thuộc Thành Đoàn"; kind is one
    of "district", "bloc", "school", "corporation", "armed", "direct_other".
``WARDS``
    District code -> its wards/communes/towns in 2023 ("Phường …", "Xã …", "Thị trấn …"); each
    becomes a grassroots unit ("Đoàn phường/xã/thị trấn …") of that district.
``SCHOOL_FACULTIES``
    Generic faculty names ("Khoa …") for the grassroots units ("Đoàn khoa …") of a school.
``CORPORATION_SUBUNITS``
    Generic subsidiary/department names for the grassroots units of a corporation.
``BLOC_MEMBERS``
    Grassroots units of the Đoàn Khối Dân - Chính - Đảng (city departments and agencies).
``BRANCH_PATTERNS``
    Grassroots flavour ("ward", "faculty", "company", "agency") -> branch-name format strings.
    Format every pattern with ``pattern.format(n=<int>, code=<str>)``; a pattern may ignore either
    key. For "ward", the first pattern is for phường and thị trấn ("Khu phố"), the second for xã
    ("Ấp"). For "faculty", ``code`` is a class-code prefix such as "21CNTT" (-> "Chi đoàn lớp
    21CNTT01"). For "company" and "agency", ``code`` is a short label of the grassroots unit.
``PERSON_NAMES``
    Plausible Vietnamese full names for demo accounts' display names.

Every code in the module is unique and matches ``^[A-Z0-9][A-Z0-9_-]{0,39}$``.
"""

CITY = ("TD", "Thành Đoàn Thành phố Hồ Chí Minh", "Thành Đoàn")

# Ban, Văn phòng of the city union (kind "department").
DEPARTMENTS = [
    ("VP", "Văn phòng Thành Đoàn", "Văn phòng"),
    ("BTC", "Ban Tổ chức Thành Đoàn", "Ban Tổ chức"),
    ("UBKT", "Ủy ban Kiểm tra Thành Đoàn", "UBKT"),
    ("BTGDN", "Ban Tuyên giáo - Đối ngoại Thành Đoàn", "Ban TG-ĐN"),
    ("BCNLD", "Ban Công nhân lao động Thành Đoàn", "Ban CNLĐ"),
    ("BMTANQP", "Ban Mặt trận - An ninh quốc phòng - Địa bàn dân cư Thành Đoàn", "Ban MT-ANQP-ĐBDC"),
    ("BTNTH", "Ban Thanh niên trường học Thành Đoàn", "Ban TNTH"),
    ("BCTTN", "Ban Công tác thiếu nhi Thành Đoàn", "Ban CTTN"),
]

# Đơn vị sự nghiệp of the city union (kind "institution").
INSTITUTIONS = [
    ("TTHTTNCN", "Trung tâm Hỗ trợ Thanh niên công nhân Thành phố", "TT HTTNCN"),
    ("TTDVVLTN", "Trung tâm Dịch vụ việc làm thanh niên Thành phố", "TT DVVLTN"),
    ("TTPTKHCNT", "Trung tâm Phát triển Khoa học Công nghệ trẻ", "TT PTKHCN trẻ"),
    ("THTN", "Truyền hình Thanh niên Thành phố", "Truyền hình Thanh niên"),
    ("NVHTN", "Nhà Văn hóa Thanh niên Thành phố", "NVH Thanh niên"),
    ("NTNTP", "Nhà Thiếu nhi Thành phố", "Nhà Thiếu nhi TP"),
    ("BAOTT", "Báo Tuổi Trẻ", "Tuổi Trẻ"),
    ("TTHTHSSV", "Trung tâm Hỗ trợ Học sinh - Sinh viên Thành phố", "TT HTHSSV"),
    ("TTCTXHT", "Trung tâm Công tác xã hội trẻ Thành phố", "TT CTXH trẻ"),
    ("TRDLTT", "Trường Đoàn Lý Tự Trọng", "Trường Đoàn LTT"),
    ("TTSHDN", "Trung tâm Sinh hoạt dã ngoại Thanh thiếu niên Thành phố", "TT SHDN"),
]

# Enterprises of the city union (kind "enterprise").
ENTERPRISES = [
    ("DN-DLTN", "Công ty TNHH MTV Du lịch Thanh niên Thành phố", "Du lịch Thanh niên"),
    ("DN-DVTN", "Công ty TNHH MTV Dịch vụ Thanh niên Thành phố", "Dịch vụ Thanh niên"),
    ("DN-TTTN", "Công ty Cổ phần Truyền thông Thanh niên", "Truyền thông Thanh niên"),
    ("DN-NXBTRE", "Công ty TNHH MTV Nhà xuất bản Trẻ", "NXB Trẻ"),
]

_DISTRICTS = [
    ("QD1", "Quận Đoàn 1", "QĐ 1", "district"),
    ("QD3", "Quận Đoàn 3", "QĐ 3", "district"),
    ("QD4", "Quận Đoàn 4", "QĐ 4", "district"),
    ("QD5", "Quận Đoàn 5", "QĐ 5", "district"),
    ("QD6", "Quận Đoàn 6", "QĐ 6", "district"),
    ("QD7", "Quận Đoàn 7", "QĐ 7", "district"),
    ("QD8", "Quận Đoàn 8", "QĐ 8", "district"),
    ("QD10", "Quận Đoàn 10", "QĐ 10", "district"),
    ("QD11", "Quận Đoàn 11", "QĐ 11", "district"),
    ("QD12", "Quận Đoàn 12", "QĐ 12", "district"),
    ("QD-BINHTAN", "Quận Đoàn Bình Tân", "QĐ Bình Tân", "district"),
    ("QD-BINHTHANH", "Quận Đoàn Bình Thạnh", "QĐ Bình Thạnh", "district"),
    ("QD-GOVAP", "Quận Đoàn Gò Vấp", "QĐ Gò Vấp", "district"),
    ("QD-PHUNHUAN", "Quận Đoàn Phú Nhuận", "QĐ Phú Nhuận", "district"),
    ("QD-TANBINH", "Quận Đoàn Tân Bình", "QĐ Tân Bình", "district"),
    ("QD-TANPHU", "Quận Đoàn Tân Phú", "QĐ Tân Phú", "district"),
    ("HD-BINHCHANH", "Huyện Đoàn Bình Chánh", "HĐ Bình Chánh", "district"),
    ("HD-CANGIO", "Huyện Đoàn Cần Giờ", "HĐ Cần Giờ", "district"),
    ("HD-CUCHI", "Huyện Đoàn Củ Chi", "HĐ Củ Chi", "district"),
    ("HD-HOCMON", "Huyện Đoàn Hóc Môn", "HĐ Hóc Môn", "district"),
    ("HD-NHABE", "Huyện Đoàn Nhà Bè", "HĐ Nhà Bè", "district"),
    ("TD-THUDUC", "Thành Đoàn Thành phố Thủ Đức", "TĐ Thủ Đức", "district"),
]

_BLOCS_AND_ARMED = [
    ("DKDCD", "Đoàn Khối Dân - Chính - Đảng Thành phố", "Đoàn Khối DCĐ", "bloc"),
    ("DKDN", "Đoàn Khối Doanh nghiệp Thành phố", "Đoàn Khối DN", "bloc"),
    ("CATP", "Đoàn Thanh niên Công an Thành phố", "Đoàn TN Công an TP", "armed"),
    ("BTL", "Đoàn Thanh niên Bộ Tư lệnh Thành phố", "Đoàn TN BTL TP", "armed"),
]

_SCHOOLS = [
    ("DH-BK", "Đoàn Trường Đại học Bách khoa - ĐHQG-HCM", "Đoàn ĐH Bách khoa", "school"),
    ("DH-KHTN", "Đoàn Trường Đại học Khoa học Tự nhiên - ĐHQG-HCM", "Đoàn ĐH KHTN", "school"),
    ("DH-KHXHNV", "Đoàn Trường Đại học Khoa học Xã hội và Nhân văn - ĐHQG-HCM", "Đoàn ĐH KHXH&NV", "school"),
    ("DH-QT", "Đoàn Trường Đại học Quốc tế - ĐHQG-HCM", "Đoàn ĐH Quốc tế", "school"),
    ("DH-CNTT", "Đoàn Trường Đại học Công nghệ Thông tin - ĐHQG-HCM", "Đoàn ĐH CNTT", "school"),
    ("DH-KTL", "Đoàn Trường Đại học Kinh tế - Luật - ĐHQG-HCM", "Đoàn ĐH Kinh tế - Luật", "school"),
    ("DH-KT", "Đoàn Trường Đại học Kinh tế TP.HCM", "Đoàn ĐH Kinh tế", "school"),
    ("DH-SP", "Đoàn Trường Đại học Sư phạm TP.HCM", "Đoàn ĐH Sư phạm", "school"),
    ("DH-SPKT", "Đoàn Trường Đại học Sư phạm Kỹ thuật TP.HCM", "Đoàn ĐH SPKT", "school"),
    ("DH-NL", "Đoàn Trường Đại học Nông Lâm TP.HCM", "Đoàn ĐH Nông Lâm", "school"),
    ("DH-LUAT", "Đoàn Trường Đại học Luật TP.HCM", "Đoàn ĐH Luật", "school"),
    ("DH-YD", "Đoàn Đại học Y Dược TP.HCM", "Đoàn ĐH Y Dược", "school"),
    ("DH-YKPNT", "Đoàn Trường Đại học Y khoa Phạm Ngọc Thạch", "Đoàn ĐH YK Phạm Ngọc Thạch", "school"),
    ("DH-KTRUC", "Đoàn Trường Đại học Kiến trúc TP.HCM", "Đoàn ĐH Kiến trúc", "school"),
    ("DH-GTVT", "Đoàn Trường Đại học Giao thông vận tải TP.HCM", "Đoàn ĐH GTVT", "school"),
    ("DH-NH", "Đoàn Trường Đại học Ngân hàng TP.HCM", "Đoàn ĐH Ngân hàng", "school"),
    ("DH-TCM", "Đoàn Trường Đại học Tài chính - Marketing", "Đoàn ĐH Tài chính - Marketing", "school"),
    ("DH-CN", "Đoàn Trường Đại học Công nghiệp TP.HCM", "Đoàn ĐH Công nghiệp", "school"),
    ("DH-CT", "Đoàn Trường Đại học Công Thương TP.HCM", "Đoàn ĐH Công Thương", "school"),
    ("DH-SG", "Đoàn Trường Đại học Sài Gòn", "Đoàn ĐH Sài Gòn", "school"),
    ("DH-MO", "Đoàn Trường Đại học Mở TP.HCM", "Đoàn ĐH Mở", "school"),
    ("DH-TDT", "Đoàn Trường Đại học Tôn Đức Thắng", "Đoàn ĐH Tôn Đức Thắng", "school"),
    ("DH-VHOA", "Đoàn Trường Đại học Văn hóa TP.HCM", "Đoàn ĐH Văn hóa", "school"),
    ("DH-TNMT", "Đoàn Trường Đại học Tài nguyên và Môi trường TP.HCM", "Đoàn ĐH TN&MT", "school"),
    ("DH-TDTT", "Đoàn Trường Đại học Thể dục Thể thao TP.HCM", "Đoàn ĐH TDTT", "school"),
    ("DH-MT", "Đoàn Trường Đại học Mỹ thuật TP.HCM", "Đoàn ĐH Mỹ thuật", "school"),
    ("DH-NHACVIEN", "Đoàn Nhạc viện TP.HCM", "Đoàn Nhạc viện", "school"),
    ("DH-SKDA", "Đoàn Trường Đại học Sân khấu - Điện ảnh TP.HCM", "Đoàn ĐH SK-ĐA", "school"),
    ("DH-VL", "Đoàn Trường Đại học Văn Lang", "Đoàn ĐH Văn Lang", "school"),
    ("DH-HUTECH", "Đoàn Trường Đại học Công nghệ TP.HCM", "Đoàn HUTECH", "school"),
    ("DH-HSU", "Đoàn Trường Đại học Hoa Sen", "Đoàn ĐH Hoa Sen", "school"),
    ("DH-UEF", "Đoàn Trường Đại học Kinh tế - Tài chính TP.HCM", "Đoàn UEF", "school"),
    ("DH-NTT", "Đoàn Trường Đại học Nguyễn Tất Thành", "Đoàn ĐH Nguyễn Tất Thành", "school"),
    ("DH-HV", "Đoàn Trường Đại học Hùng Vương TP.HCM", "Đoàn ĐH Hùng Vương", "school"),
    ("DH-VHIEN", "Đoàn Trường Đại học Văn Hiến", "Đoàn ĐH Văn Hiến", "school"),
    ("DH-HB", "Đoàn Trường Đại học Quốc tế Hồng Bàng", "Đoàn ĐH Hồng Bàng", "school"),
    ("DH-GD", "Đoàn Trường Đại học Gia Định", "Đoàn ĐH Gia Định", "school"),
    ("DH-STU", "Đoàn Trường Đại học Công nghệ Sài Gòn", "Đoàn ĐH Công nghệ Sài Gòn", "school"),
    ("DH-HUFLIT", "Đoàn Trường Đại học Ngoại ngữ - Tin học TP.HCM", "Đoàn HUFLIT", "school"),
    ("HV-HK", "Đoàn Học viện Hàng không Việt Nam", "Đoàn HV Hàng không", "school"),
    ("HV-CB", "Đoàn Học viện Cán bộ TP.HCM", "Đoàn HV Cán bộ", "school"),
    ("CD-KTDN", "Đoàn Trường Cao đẳng Kinh tế Đối ngoại", "Đoàn CĐ KTĐN", "school"),
    ("CD-CAOTHANG", "Đoàn Trường Cao đẳng Kỹ thuật Cao Thắng", "Đoàn CĐ Cao Thắng", "school"),
    ("CD-LTT", "Đoàn Trường Cao đẳng Lý Tự Trọng TP.HCM", "Đoàn CĐ Lý Tự Trọng", "school"),
    ("CD-KT", "Đoàn Trường Cao đẳng Kinh tế TP.HCM", "Đoàn CĐ Kinh tế", "school"),
    ("CD-CNTD", "Đoàn Trường Cao đẳng Công nghệ Thủ Đức", "Đoàn CĐ CN Thủ Đức", "school"),
]

_CORPORATIONS = [
    ("TCT-DIENLUC", "Đoàn Tổng Công ty Điện lực TP.HCM", "Đoàn EVNHCMC", "corporation"),
    ("TCT-CAPNUOC", "Đoàn Tổng Công ty Cấp nước Sài Gòn", "Đoàn SAWACO", "corporation"),
    ("TCT-CNSG", "Đoàn Tổng Công ty Công nghiệp Sài Gòn", "Đoàn CNS", "corporation"),
    ("TCT-VHSG", "Đoàn Tổng Công ty Văn hóa Sài Gòn", "Đoàn TCT Văn hóa Sài Gòn", "corporation"),
    ("TCT-SAIGONTOURIST", "Đoàn Tổng Công ty Du lịch Sài Gòn", "Đoàn Saigontourist", "corporation"),
    ("TCT-SABECO", "Đoàn Tổng Công ty Cổ phần Bia - Rượu - Nước giải khát Sài Gòn", "Đoàn Sabeco", "corporation"),
    ("TCT-SATRA", "Đoàn Tổng Công ty Thương mại Sài Gòn", "Đoàn SATRA", "corporation"),
    ("TCT-SAMCO", "Đoàn Tổng Công ty Cơ khí Giao thông vận tải Sài Gòn", "Đoàn SAMCO", "corporation"),
    ("TCT-RESCO", "Đoàn Tổng Công ty Địa ốc Sài Gòn", "Đoàn Resco", "corporation"),
    ("TCT-XDSG", "Đoàn Tổng Công ty Xây dựng Sài Gòn", "Đoàn TCT Xây dựng Sài Gòn", "corporation"),
    ("TCT-SAGRI", "Đoàn Tổng Công ty Nông nghiệp Sài Gòn", "Đoàn SAGRI", "corporation"),
    ("TCT-BENTHANH", "Đoàn Tổng Công ty Bến Thành", "Đoàn TCT Bến Thành", "corporation"),
    ("TCT-PHUTHO", "Đoàn Công ty TNHH MTV Dịch vụ Du lịch Phú Thọ", "Đoàn Phú Thọ Tourist", "corporation"),
    ("TCT-IPC", "Đoàn Công ty TNHH MTV Phát triển Công nghiệp Tân Thuận", "Đoàn IPC", "corporation"),
    ("TCT-CITENCO", "Đoàn Tổng Công ty Môi trường đô thị TP.HCM", "Đoàn CITENCO", "corporation"),
    ("TCT-HFIC", "Đoàn Công ty Đầu tư Tài chính Nhà nước TP.HCM", "Đoàn HFIC", "corporation"),
    ("TCT-SAPULICO", "Đoàn Công ty TNHH MTV Chiếu sáng công cộng TP.HCM", "Đoàn Sapulico", "corporation"),
    ("TCT-XSKT", "Đoàn Công ty TNHH MTV Xổ số kiến thiết TP.HCM", "Đoàn XSKT TP", "corporation"),
    ("TCT-SAIGONCOOP", "Đoàn Liên hiệp Hợp tác xã Thương mại TP.HCM", "Đoàn Saigon Co.op", "corporation"),
    ("TCT-CVCX", "Đoàn Công ty TNHH MTV Công viên cây xanh TP.HCM", "Đoàn Công viên cây xanh", "corporation"),
    ("TCT-THOATNUOC", "Đoàn Công ty TNHH MTV Thoát nước đô thị TP.HCM", "Đoàn UDC", "corporation"),
    ("TCT-XEKHACH", "Đoàn Công ty Cổ phần Xe khách Sài Gòn", "Đoàn Xe khách Sài Gòn", "corporation"),
    ("TCT-TSN", "Đoàn Cảng Hàng không Quốc tế Tân Sơn Nhất", "Đoàn Cảng HK Tân Sơn Nhất", "corporation"),
    ("TCT-EVNSPC", "Đoàn Tổng Công ty Điện lực miền Nam", "Đoàn EVNSPC", "corporation"),
    ("TCT-PHONGPHU", "Đoàn Tổng Công ty Cổ phần Phong Phú", "Đoàn Phong Phú", "corporation"),
    ("TCT-MAYNHABE", "Đoàn Tổng Công ty May Nhà Bè", "Đoàn May Nhà Bè", "corporation"),
    ("TCT-VISSAN", "Đoàn Công ty Việt Nam Kỹ nghệ Súc sản", "Đoàn Vissan", "corporation"),
    ("TCT-PLX2", "Đoàn Công ty Xăng dầu Khu vực II", "Đoàn Petrolimex Sài Gòn", "corporation"),
    ("TCT-BUUDIEN", "Đoàn Bưu điện Thành phố Hồ Chí Minh", "Đoàn Bưu điện TP", "corporation"),
    ("TCT-VNPT", "Đoàn Viễn thông Thành phố Hồ Chí Minh", "Đoàn VNPT TP.HCM", "corporation"),
    ("TCT-METRO", "Đoàn Công ty TNHH MTV Đường sắt đô thị số 1 TP.HCM", "Đoàn Metro số 1", "corporation"),
    ("TCT-QLKDN", "Đoàn Công ty TNHH MTV Quản lý Kinh doanh nhà TP.HCM", "Đoàn QLKD nhà", "corporation"),
    ("TCT-CIENCO6", "Đoàn Tổng Công ty Xây dựng Công trình Giao thông 6", "Đoàn Cienco 6", "corporation"),
    ("TCT-PHANBON", "Đoàn Công ty Cổ phần Phân bón miền Nam", "Đoàn Phân bón miền Nam", "corporation"),
    ("TCT-SAPHARCO", "Đoàn Công ty TNHH MTV Dược Sài Gòn", "Đoàn Sapharco", "corporation"),
]

_OTHER_DIRECT = [
    ("SYT", "Đoàn Sở Y tế Thành phố", "Đoàn Sở Y tế", "direct_other"),
    ("BV-CHORAY", "Đoàn Bệnh viện Chợ Rẫy", "Đoàn BV Chợ Rẫy", "direct_other"),
    ("VIEN-PASTEUR", "Đoàn Viện Pasteur TP.HCM", "Đoàn Viện Pasteur", "direct_other"),
    ("TNXP", "Đoàn Lực lượng Thanh niên xung phong Thành phố", "Đoàn TNXP", "direct_other"),
    ("KCNC", "Đoàn Ban Quản lý Khu Công nghệ cao TP.HCM", "Đoàn Khu CNC", "direct_other"),
    ("HEPZA", "Đoàn Ban Quản lý các Khu chế xuất và công nghiệp TP.HCM", "Đoàn HEPZA", "direct_other"),
    ("HQ", "Đoàn Cục Hải quan TP.HCM", "Đoàn Hải quan TP", "direct_other"),
    ("CUCTHUE", "Đoàn Cục Thuế TP.HCM", "Đoàn Cục Thuế TP", "direct_other"),
]

# The "cơ sở Đoàn trực thuộc Thành Đoàn": (code, full name, short name, kind).
DIRECT_UNITS = _DISTRICTS + _BLOCS_AND_ARMED + _SCHOOLS + _CORPORATIONS + _OTHER_DIRECT


def _numbered(*numbers):
    return [f"Phường {n}" for n in numbers]


# Wards / communes / towns of each district as of 2023 (312 in all: 249 phường, 58 xã, 5 thị trấn).
WARDS = {
    "QD1": [
        "Phường Bến Nghé",
        "Phường Bến Thành",
        "Phường Cầu Kho",
        "Phường Cầu Ông Lãnh",
        "Phường Cô Giang",
        "Phường Đa Kao",
        "Phường Nguyễn Cư Trinh",
        "Phường Nguyễn Thái Bình",
        "Phường Phạm Ngũ Lão",
        "Phường Tân Định",
    ],
    "QD3": ["Phường Võ Thị Sáu", *_numbered(1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14)],
    "QD4": _numbered(1, 2, 3, 4, 6, 8, 9, 10, 13, 14, 15, 16, 18),
    "QD5": _numbered(*range(1, 15)),
    "QD6": _numbered(*range(1, 15)),
    "QD7": [
        "Phường Bình Thuận",
        "Phường Phú Mỹ",
        "Phường Phú Thuận",
        "Phường Tân Hưng",
        "Phường Tân Kiểng",
        "Phường Tân Phong",
        "Phường Tân Phú",
        "Phường Tân Quy",
        "Phường Tân Thuận Đông",
        "Phường Tân Thuận Tây",
    ],
    "QD8": _numbered(*range(1, 17)),
    "QD10": _numbered(1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
    "QD11": _numbered(*range(1, 17)),
    "QD12": [
        "Phường An Phú Đông",
        "Phường Đông Hưng Thuận",
        "Phường Hiệp Thành",
        "Phường Tân Chánh Hiệp",
        "Phường Tân Hưng Thuận",
        "Phường Tân Thới Hiệp",
        "Phường Tân Thới Nhất",
        "Phường Thạnh Lộc",
        "Phường Thạnh Xuân",
        "Phường Thới An",
        "Phường Trung Mỹ Tây",
    ],
    "QD-BINHTAN": [
        "Phường An Lạc",
        "Phường An Lạc A",
        "Phường Bình Hưng Hòa",
        "Phường Bình Hưng Hòa A",
        "Phường Bình Hưng Hòa B",
        "Phường Bình Trị Đông",
        "Phường Bình Trị Đông A",
        "Phường Bình Trị Đông B",
        "Phường Tân Tạo",
        "Phường Tân Tạo A",
    ],
    "QD-BINHTHANH": _numbered(1, 2, 3, 5, 6, 7, 11, 12, 13, 14, 15, 17, 19, 21, 22, 24, 25, 26, 27, 28),
    "QD-GOVAP": _numbered(1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17),
    "QD-PHUNHUAN": _numbered(1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 13, 15, 17),
    "QD-TANBINH": _numbered(*range(1, 16)),
    "QD-TANPHU": [
        "Phường Hiệp Tân",
        "Phường Hòa Thạnh",
        "Phường Phú Thạnh",
        "Phường Phú Thọ Hòa",
        "Phường Phú Trung",
        "Phường Sơn Kỳ",
        "Phường Tân Quý",
        "Phường Tân Sơn Nhì",
        "Phường Tân Thành",
        "Phường Tân Thới Hòa",
        "Phường Tây Thạnh",
    ],
    "HD-BINHCHANH": [
        "Thị trấn Tân Túc",
        "Xã An Phú Tây",
        "Xã Bình Chánh",
        "Xã Bình Hưng",
        "Xã Bình Lợi",
        "Xã Đa Phước",
        "Xã Hưng Long",
        "Xã Lê Minh Xuân",
        "Xã Phạm Văn Hai",
        "Xã Phong Phú",
        "Xã Quy Đức",
        "Xã Tân Kiên",
        "Xã Tân Nhựt",
        "Xã Tân Quý Tây",
        "Xã Vĩnh Lộc A",
        "Xã Vĩnh Lộc B",
    ],
    "HD-CANGIO": [
        "Thị trấn Cần Thạnh",
        "Xã An Thới Đông",
        "Xã Bình Khánh",
        "Xã Long Hòa",
        "Xã Lý Nhơn",
        "Xã Tam Thôn Hiệp",
        "Xã Thạnh An",
    ],
    "HD-CUCHI": [
        "Thị trấn Củ Chi",
        "Xã An Nhơn Tây",
        "Xã An Phú",
        "Xã Bình Mỹ",
        "Xã Hòa Phú",
        "Xã Nhuận Đức",
        "Xã Phạm Văn Cội",
        "Xã Phú Hòa Đông",
        "Xã Phú Mỹ Hưng",
        "Xã Phước Hiệp",
        "Xã Phước Thạnh",
        "Xã Phước Vĩnh An",
        "Xã Tân An Hội",
        "Xã Tân Phú Trung",
        "Xã Tân Thạnh Đông",
        "Xã Tân Thạnh Tây",
        "Xã Tân Thông Hội",
        "Xã Thái Mỹ",
        "Xã Trung An",
        "Xã Trung Lập Hạ",
        "Xã Trung Lập Thượng",
    ],
    "HD-HOCMON": [
        "Thị trấn Hóc Môn",
        "Xã Bà Điểm",
        "Xã Đông Thạnh",
        "Xã Nhị Bình",
        "Xã Tân Hiệp",
        "Xã Tân Thới Nhì",
        "Xã Tân Xuân",
        "Xã Thới Tam Thôn",
        "Xã Trung Chánh",
        "Xã Xuân Thới Đông",
        "Xã Xuân Thới Sơn",
        "Xã Xuân Thới Thượng",
    ],
    "HD-NHABE": [
        "Thị trấn Nhà Bè",
        "Xã Hiệp Phước",
        "Xã Long Thới",
        "Xã Nhơn Đức",
        "Xã Phú Xuân",
        "Xã Phước Kiển",
        "Xã Phước Lộc",
    ],
    "TD-THUDUC": [
        "Phường An Khánh",
        "Phường An Lợi Đông",
        "Phường An Phú",
        "Phường Bình Chiểu",
        "Phường Bình Thọ",
        "Phường Bình Trưng Đông",
        "Phường Bình Trưng Tây",
        "Phường Cát Lái",
        "Phường Hiệp Bình Chánh",
        "Phường Hiệp Bình Phước",
        "Phường Hiệp Phú",
        "Phường Linh Chiểu",
        "Phường Linh Đông",
        "Phường Linh Tây",
        "Phường Linh Trung",
        "Phường Linh Xuân",
        "Phường Long Bình",
        "Phường Long Phước",
        "Phường Long Thạnh Mỹ",
        "Phường Long Trường",
        "Phường Phú Hữu",
        "Phường Phước Bình",
        "Phường Phước Long A",
        "Phường Phước Long B",
        "Phường Tam Bình",
        "Phường Tam Phú",
        "Phường Tân Phú",
        "Phường Tăng Nhơn Phú A",
        "Phường Tăng Nhơn Phú B",
        "Phường Thạnh Mỹ Lợi",
        "Phường Thảo Điền",
        "Phường Thủ Thiêm",
        "Phường Trường Thạnh",
        "Phường Trường Thọ",
    ],
}

# Generic faculties of a university/college -> grassroots units "Đoàn khoa …".
SCHOOL_FACULTIES = [
    "Khoa Công nghệ thông tin",
    "Khoa Kinh tế",
    "Khoa Quản trị kinh doanh",
    "Khoa Tài chính - Ngân hàng",
    "Khoa Kế toán - Kiểm toán",
    "Khoa Luật",
    "Khoa Ngoại ngữ",
    "Khoa Điện - Điện tử",
    "Khoa Cơ khí",
    "Khoa Xây dựng",
    "Khoa Công nghệ sinh học",
    "Khoa Khoa học xã hội và nhân văn",
]

# Generic subsidiaries/departments of a corporation -> its grassroots units.
CORPORATION_SUBUNITS = [
    "Văn phòng Tổng Công ty",
    "Công ty Điện lực Sài Gòn",
    "Công ty Điện lực Chợ Lớn",
    "Xí nghiệp 1",
    "Xí nghiệp 2",
    "Xí nghiệp Cơ khí",
    "Phòng Kỹ thuật",
    "Phòng Kinh doanh",
    "Trung tâm Dịch vụ khách hàng",
    "Chi nhánh Thủ Đức",
    "Công ty Thương mại - Dịch vụ",
]

# Grassroots units of the Đoàn Khối Dân - Chính - Đảng Thành phố.
BLOC_MEMBERS = [
    "Đoàn cơ sở Văn phòng Thành ủy",
    "Đoàn cơ sở Văn phòng UBND Thành phố",
    "Đoàn cơ sở Văn phòng Đoàn ĐBQH và HĐND Thành phố",
    "Đoàn cơ sở Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố",
    "Đoàn cơ sở Sở Tư pháp",
    "Đoàn cơ sở Sở Kế hoạch và Đầu tư",
    "Đoàn cơ sở Sở Tài chính",
    "Đoàn cơ sở Sở Nội vụ",
    "Đoàn cơ sở Sở Công Thương",
    "Đoàn cơ sở Sở Giáo dục và Đào tạo",
    "Đoàn cơ sở Sở Giao thông vận tải",
    "Đoàn cơ sở Sở Xây dựng",
    "Đoàn cơ sở Sở Tài nguyên và Môi trường",
    "Đoàn cơ sở Sở Thông tin và Truyền thông",
    "Đoàn cơ sở Sở Lao động - Thương binh và Xã hội",
    "Đoàn cơ sở Sở Văn hóa và Thể thao",
    "Đoàn cơ sở Sở Du lịch",
    "Đoàn cơ sở Sở Khoa học và Công nghệ",
    "Đoàn cơ sở Sở Nông nghiệp và Phát triển nông thôn",
    "Đoàn cơ sở Sở Quy hoạch - Kiến trúc",
    "Đoàn cơ sở Sở Ngoại vụ",
    "Đoàn cơ sở Thanh tra Thành phố",
    "Đoàn cơ sở Tòa án nhân dân Thành phố",
    "Đoàn cơ sở Viện Kiểm sát nhân dân Thành phố",
    "Đoàn cơ sở Cục Thống kê Thành phố",
    "Đoàn cơ sở Kho bạc Nhà nước Thành phố",
]

# Branch-name patterns per grassroots flavour; see the module docstring for the format keys.
BRANCH_PATTERNS = {
    # [0] phường / thị trấn, [1] xã.
    "ward": ["Chi đoàn Khu phố {n}", "Chi đoàn Ấp {n}"],
    # code: class-code prefix such as "21CNTT".
    "faculty": ["Chi đoàn lớp {code}{n:02d}"],
    "company": ["Chi đoàn Tổ {n}", "Chi đoàn Phân xưởng {n}", "Chi đoàn Đội {n}"],
    "agency": ["Chi đoàn Phòng {n}", "Chi đoàn {code} {n}"],
}

# Display names for demo accounts.
PERSON_NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bích Ngọc",
    "Lê Minh Khoa",
    "Phạm Thị Thu Hà",
    "Hoàng Quốc Bảo",
    "Huỳnh Thị Mỹ Linh",
    "Võ Thành Đạt",
    "Phan Thị Ngọc Trâm",
    "Vũ Đức Huy",
    "Đặng Thị Kim Ngân",
    "Bùi Hoàng Nam",
    "Đỗ Thị Thanh Thảo",
    "Hồ Gia Huy",
    "Ngô Thị Lan Anh",
    "Dương Minh Tuấn",
    "Lý Thị Hồng Nhung",
    "Trương Công Danh",
    "Đinh Thị Phương Uyên",
    "Lâm Tấn Phát",
    "Mai Thị Tuyết Nhi",
    "Châu Văn Long",
    "Tạ Thị Khánh Vy",
    "Nguyễn Hữu Phước",
    "Trần Quang Vinh",
    "Lê Thị Diễm My",
    "Phạm Nhật Minh",
    "Nguyễn Thị Hoài Thương",
    "Trịnh Xuân Trường",
    "Cao Thị Yến Nhi",
    "Lương Thế Hiển",
]
