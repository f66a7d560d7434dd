"""Plan importer: the text of a Kế hoạch (Youth Union plan) → a draft campaign definition.

`import_text(text)` returns an ImportResult: the normalised text, a `thidua.campaign/1` definition that
passes `definition.validate()`, where each field came from (character spans into the normalised text),
the warnings a coordinator must see before publishing, and the closest directory units for every
name that is not in the directory. Parsing is deterministic: regular expressions, `difflib` and the
unit directory in the database; no network, no model weights. The code has one module per section of
a plan (header, title, goals, activities, assignments, milestones, distribution list, signature …), run in
order by `importer.import_text`; docs/plan-import.md lists them.

What it reads
-------------
- **Markup**: Markdown bold/italic, headings, tables, autolinks and escapes are stripped; a bold numbered
  heading glued to the previous one (``II. NỘI DUNG:**1. Mục tiêu:**``) is split. Hard-wrapped lines
  and paragraphs broken mid-sentence are joined.
- **Header** (before the line ``KẾ HOẠCH``): issuing bodies (``BCH ĐOÀN TP. HỒ CHÍ MINH``, ``BAN THƯỜNG
  VỤ THÀNH ĐOÀN``, ``BCH QUẬN ĐOÀN 1`` …), ``Số: 123-KH/TĐTN-BCNLĐ``, ``TP. Hồ Chí Minh, ngày 20 tháng 4
  năm 2023``. A plan without a header gets the warning ``no_header``.
- **Outline**: numbering ``I.``, ``1.``, ``1.1``, ``a)``, ``-``, ``+``, ``•`` … nests by order of first
  appearance; sections are recognised by their words, not their position (goals: "mục tiêu / chỉ tiêu";
  activities: "công việc cụ thể / hoạt động / nội dung …"; organisation: "phân công / tổ chức thực
  hiện"; period: "thời gian"; audience: "đối tượng").
- **Activities**: description, a short title, quoted programme name, URL, date ("dự kiến ngày 04/5/2023
  (thứ Năm)", ranges, "Thời gian:" lines), venue ("tại …", "Địa điểm:"), a counted target (20.000 lượt
  …), and assignments from every "(Phân công …)" / "Đơn vị chủ trì: …" line.
- **Milestones**: every line outside goals and activities with a deadline ("trước 11g00 ngày 06/5/2023",
  "chậm nhất ngày 15/7/2023", "hạn chót …", "trước 16 giờ 30 ngày …"); kind from the document named
  (kế hoạch → plan ``KH``, sơ kết → midterm ``SK``, tổng kết → final ``TK``, others ``M1`` …). A deadline
  for "đăng ký thi đua" becomes ``registration_deadline``.

Rules a coordinator should know
-------------------------------
- **Time of day**: a deadline date without a time ("chậm nhất ngày 15/7/2023") is due at **17:00**
  (end of office hours) that day, Asia/Ho_Chi_Minh; deadlines are written with ``+07:00``.
- **Year**: a date written without a year takes the other end of its range, else the plan's year (issue
  date, else the title's or the text's most frequent year), with the warning ``year_assumed``.
- **Lead and co-lead**: where a "Phân công" line tells roles apart ("chủ trì" → lead; "phối hợp",
  "phối hợp với", "tham mưu" → co-lead; "X phối hợp với Y" → X leads), roles follow the text, leads
  first. Otherwise the first unit named is the lead and the others co-leads (docs/campaign-definition.md).
- **Units**: names are matched to the directory accent- and case-insensitively, with abbreviations
  ("Ban CNLĐ" ↔ "Ban Công nhân lao động", "TP." ↔ "Thành phố", "Q.1" ↔ "Quận 1", "QĐ/HĐ/TĐ"), and
  dropping "Thành Đoàn" / "Thành phố" / "Đoàn" around a name when that leaves a single unit. Group phrases
  become groups ("các cơ sở Đoàn trực thuộc Thành Đoàn" → ``direct_units``; "các Ban - Văn phòng" →
  ``departments`` …). A name not found keeps a placeholder code made from the name (``BAN-XYZ``) and the
  warning ``unit_not_in_directory`` naming the three closest units (difflib ratios).
- **Nothing invented**: what the text does not state stays null (issue date, number, venue …); the
  issuer unit falls back to `issuer_code`, then to the unit named by the signature or the text, then to
  the directory's root. Indicators are left to the coordinator (``indicators: []``); target-like numbers
  that were not attached to a goal or an activity get the warning ``number_not_attached``.
"""

from thidua.planimport.parser.importer import import_text
from thidua.planimport.parser.result import DEFAULT_DEADLINE_TIME, ImportResult, Span

__all__ = ["DEFAULT_DEADLINE_TIME", "ImportResult", "Span", "import_text"]
