"""Set up the demo: the HCMC directory, demo accounts and the seed campaign. Safe to run again."""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from thidua.campaigns import definition as defn
from thidua.campaigns.models import Campaign
from thidua.campaigns.services import campaign_load
from thidua.core import timeutils
from thidua.demo import commendation as commendation_demo
from thidua.demo import initiatives as initiatives_demo
from thidua.demo import living
from thidua.demo import mailgateway as mailgateway_demo
from thidua.demo import practices as practices_demo
from thidua.demo import progress as progress_demo
from thidua.demo import submissions as submissions_demo
from thidua.demo.directory import build_directory
from thidua.initiatives.models import Initiative
from thidua.mailgateway.models import InboundMessage
from thidua.practices.models import Practice
from thidua.progress.models import IndicatorValue
from thidua.submissions.models import Submission
from thidua.units.models import Role, Unit
from thidua.units.services import role_grant

SEED_CAMPAIGN = Path(settings.BASE_DIR) / "thidua" / "campaigns" / "seed" / "cao-diem-2023.yaml"

# username, full name, role, unit code, superuser
ACCOUNTS = [
    ("admin", "Quản trị hệ thống", None, None, True),
    ("dieuphoi", "Nguyễn Minh Khoa (Ban Công nhân lao động)", Role.COORDINATOR, "TD", False),
    ("bcd", "Lê Thị Thu Trang (Ban Thường vụ)", Role.STEERING, "TD", False),
    ("quan1", "Phạm Quốc Bảo (Quận Đoàn 1)", Role.OFFICER, "QD1", False),
    ("nhabe", "Trần Ngọc Hân (Huyện Đoàn Nhà Bè)", Role.OFFICER, "HD-NHABE", False),
    ("benghe", "Ngô Thanh Hương (Đoàn Phường Bến Nghé)", Role.OFFICER, "QD1-01", False),
    ("xemquan1", "Bùi Văn Lộc (Quận Đoàn 1)", Role.VIEWER, "QD1", False),
    ("thamdinh1", "Võ Thanh Tùng (Hội đồng sáng kiến — Ban CNLĐ)", Role.REVIEWER, "BCNLD", False),
    ("thamdinh2", "Đặng Thị Mai Anh (Hội đồng sáng kiến — Đoàn Khối DCĐ)", Role.REVIEWER, "DKDCD", False),
    ("thamdinh3", "Huỳnh Gia Bảo (Hội đồng sáng kiến — TT PTKHCN trẻ)", Role.REVIEWER, "TTPTKHCNT", False),
    ("thamdinh4", "Lương Ngọc Trâm (Hội đồng sáng kiến — Quận Đoàn 3)", Role.REVIEWER, "QD3", False),
]


class Command(BaseCommand):
    help = "Create the demo directory, accounts and seed campaign (skips what exists)."

    def add_arguments(self, parser):
        parser.add_argument("--branches", type=int, default=2000, help="number of branches (up to 40,000 and more)")
        parser.add_argument("--quiet", action="store_true", help="do not print the demo accounts")

    def handle(self, *args, branches, quiet, **options):
        if branches < 0:
            raise CommandError("--branches must be ≥ 0")
        password = os.environ.get("THIDUA_DEMO_PASSWORD", "thidua2023")
        with transaction.atomic():
            if not Unit.objects.filter(depth=1).exists():
                count = build_directory(actor=None, branches=branches)
                self.stdout.write(f"Danh bạ đơn vị mẫu: {count} đơn vị.")
            users = self._accounts(password)
            campaign = Campaign.objects.filter(slug="cao-diem-2023").first()
            if campaign is None:
                raw = SEED_CAMPAIGN.read_bytes()
                result = campaign_load(
                    actor=users["admin"], definition=defn.parse_text(raw.decode("utf-8")), source=raw
                )
                campaign = result.campaign
                self.stdout.write(f"Đợt thi đua mẫu: {campaign.slug} ({len(result.warnings)} cảnh báo).")
            if not Submission.objects.filter(milestone__campaign=campaign).exists():
                officers = {"QD1": users["quan1"], "HD-NHABE": users["nhabe"]}
                counts = submissions_demo.build(campaign, coordinator=users["dieuphoi"], officers_by_unit=officers)
                self.stdout.write(
                    f"Đăng ký và văn bản mẫu: {counts['registrations']} đăng ký, {counts['submissions']} văn bản, "
                    f"{counts['extended']} gia hạn, {counts['exempted']} miễn nộp."
                )
            if not IndicatorValue.objects.filter(indicator__campaign=campaign).exists():
                officers = {"QD1": users["quan1"], "HD-NHABE": users["nhabe"]}
                counts = progress_demo.build(campaign, coordinator=users["dieuphoi"], officers_by_unit=officers)
                self.stdout.write(
                    f"Số liệu mẫu: {counts['values']} giá trị, {counts['events']} hoạt động, {counts['signoffs']} lần ký xác nhận."
                )
            if not Initiative.objects.filter(campaign=campaign).exists():
                counts = initiatives_demo.build(
                    campaign,
                    coordinator=users["dieuphoi"],
                    reviewers=[users[f"thamdinh{n}"] for n in range(1, 5)],
                    officers_by_unit={"QD1": users["quan1"], "HD-NHABE": users["nhabe"]},
                )
                self.stdout.write(
                    f"Sáng kiến mẫu: {counts['initiatives']} sáng kiến, {counts['values']} số liệu chỉ tiêu."
                )
            if not Practice.objects.filter(campaign=campaign).exists():
                counts = practices_demo.build(
                    campaign,
                    coordinator=users["dieuphoi"],
                    officers_by_unit={"QD1": users["quan1"], "HD-NHABE": users["nhabe"]},
                )
                self.stdout.write(f"Mô hình hiệu quả mẫu: {counts['practices']} mô hình.")
            if not campaign.criteria.exists():
                counts = commendation_demo.build(
                    campaign,
                    coordinator=users["dieuphoi"],
                    steering=users["bcd"],
                    officers_by_unit={"QD1": users["quan1"], "HD-NHABE": users["nhabe"]},
                )
                self.stdout.write(
                    f"Chấm điểm, khen thưởng mẫu: 3 cụm thi đua, {counts['proposals']} đề nghị, 1 quyết định."
                )
            self._living(users)
            if not InboundMessage.objects.exists():
                counts = mailgateway_demo.build()
                self.stdout.write(
                    f"Thư đến mẫu: {counts.get('filed', 0)} đã tiếp nhận, {counts.get('triage', 0)} chờ xử lý."
                )
        if not quiet:
            self.stdout.write(f"\nTài khoản demo (mật khẩu: {password}):")
            for username, full_name, role, code, _superuser in ACCOUNTS:
                what = Role(role).label if role else "superuser"
                self.stdout.write(f"  {username:<10} {full_name} — {what}{' @ ' + code if code else ''}")

    def _living(self, users):
        """The 2023 plan running now (thidua.demo.living): countdowns and reminders are real."""
        if Campaign.objects.filter(slug=living.SLUG).exists():
            return
        now = timeutils.now()
        seed = defn.parse_text(SEED_CAMPAIGN.read_text(encoding="utf-8"))
        definition, shift = living.living_definition(seed, timeutils.local(now).date())
        campaign = campaign_load(actor=users["admin"], definition=definition).campaign
        officers = {"QD1": users["quan1"], "HD-NHABE": users["nhabe"]}
        sent = submissions_demo.build(campaign, coordinator=users["dieuphoi"], officers_by_unit=officers, until=now)
        figures = progress_demo.build(
            campaign,
            coordinator=users["dieuphoi"],
            officers_by_unit=officers,
            shift=shift,
            today=timeutils.local(now).date(),
        )
        self.stdout.write(
            f"Đợt thi đua đang diễn ra: {campaign.slug} (lùi {shift.days} ngày so với 2023): "
            f"{sent['submissions']} văn bản, {figures['values']} số liệu."
        )

    def _accounts(self, password):
        User = get_user_model()
        users = {}
        for username, full_name, role, code, superuser in ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": full_name, "is_superuser": superuser, "is_staff": superuser},
            )
            if created:
                user.set_password(password)
                user.save()
            if role:
                role_grant(actor=None, user=user, unit=Unit.objects.get(code=code), role=role)
            users[username] = user
        return users
