"""The city departments (sở, ban, ngành) initiatives are forwarded to, as they were named in 2023.

Their e-mail addresses are left for the coordinator to fill in (admin); departments merged since
are retired with `active`, never deleted, so past forwardings keep their names.
"""

from django.db import migrations

DEPARTMENTS = [
    ("Văn phòng Ủy ban nhân dân Thành phố", "VP UBND TP"),
    ("Sở Nội vụ", "SNV"),
    ("Sở Thông tin và Truyền thông", "STTTT"),
    ("Sở Tư pháp", "STP"),
    ("Sở Kế hoạch và Đầu tư", "SKHĐT"),
    ("Sở Tài chính", "STC"),
    ("Sở Tài nguyên và Môi trường", "STNMT"),
    ("Sở Giao thông vận tải", "SGTVT"),
    ("Sở Xây dựng", "SXD"),
    ("Sở Quy hoạch - Kiến trúc", "SQHKT"),
    ("Sở Y tế", "SYT"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH"),
    ("Sở Khoa học và Công nghệ", "SKHCN"),
    ("Sở Công Thương", "SCT"),
    ("Sở Văn hóa và Thể thao", "SVHTT"),
]


def add_departments(apps, schema_editor):
    Agency = apps.get_model("initiatives", "Agency")
    for order, (name, short) in enumerate(DEPARTMENTS):
        Agency.objects.get_or_create(name=name, defaults={"short_name": short, "order": order})


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initiatives_portal")]

    operations = [migrations.RunPython(add_departments, migrations.RunPython.noop)]
