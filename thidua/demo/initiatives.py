"""Demo initiatives for the seed campaign: three dozen ideas of young civil servants about real
problems of the city's administration, carried through the portal's services to every state
(awaiting confirmation, submitted, under evaluation, decided but unpublished, not feasible,
feasible, forwarded with answers overdue, piloted, adopted with results, declined, merged).

Everything goes through the services (audit trail included) with 2023 dates; nobody is e-mailed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from thidua.campaigns.models import Campaign
from thidua.core.text import fold
from thidua.core.timeutils import vn_datetime
from thidua.demo.submissions import pdf_bytes
from thidua.initiatives import access as initiative_access
from thidua.initiatives import evaluation, feed, forwarding, services
from thidua.initiatives.models import CRITERIA, Agency, Field, Initiative
from thidua.units.models import Unit

F = Field
# (title, field, problem, solution, benefit, where tried, authors, unit code, target state)
IDEAS = [
    (
        "Đặt lịch hẹn trực tuyến tại Bộ phận một cửa phường",
        F.ADMIN_REFORM,
        "Người dân phải xếp hàng từ sáng sớm tại Bộ phận tiếp nhận và trả kết quả của phường, nhất là các thủ tục chứng thực và hộ tịch; giờ cao điểm chờ hơn 2 giờ.",
        "Cho người dân đặt lịch hẹn qua Cổng dịch vụ công và Zalo OA của phường, chọn khung giờ 30 phút; màn hình gọi số ưu tiên người có lịch hẹn.",
        "Giảm thời gian chờ bình quân từ 90 xuống dưới 20 phút; điều tiết lượng hồ sơ đều trong ngày.",
        "Thí điểm 3 tháng tại UBND phường Bến Nghé.",
        "Nguyễn Hoàng Phúc – chuyên viên Văn phòng UBND phường",
        "QD1-01",
        "adopted",
    ),
    (
        "Hẹn giờ nộp hồ sơ qua Zalo để tránh xếp hàng tại một cửa",
        F.ADMIN_REFORM,
        "Bộ phận một cửa quá tải vào đầu tuần, người dân xếp hàng lâu, nhiều người về tay không vì hết số.",
        "Người dân nhắn tin Zalo OA để nhận lịch hẹn nộp hồ sơ tại bộ phận một cửa theo khung giờ, nhận nhắc lịch trước 1 ngày.",
        "Giảm xếp hàng tại bộ phận một cửa, người dân chủ động thời gian.",
        "",
        "Trần Thị Kim Ngân – công chức Văn phòng - Thống kê",
        "QD1-02",
        "merged",
    ),
    (
        "Tổ hỗ trợ kích hoạt tài khoản định danh điện tử mức độ 2 tại khu phố",
        F.DIGITAL,
        "Nhiều người cao tuổi và lao động tự do chưa kích hoạt được tài khoản định danh điện tử mức độ 2 vì không rành điện thoại thông minh.",
        "Thành lập tổ đoàn viên hỗ trợ tại nhà văn hóa khu phố vào tối thứ Bảy, phối hợp Công an phường kích hoạt VNeID và hướng dẫn dùng các tiện ích.",
        "Tăng tỷ lệ kích hoạt định danh điện tử mức độ 2; người dân dùng được dịch vụ công trực tuyến.",
        "Khu phố 2, 5 phường Tân Định.",
        "Lê Minh Trí – Bí thư Đoàn phường\nPhạm Ngọc Hân – đoàn viên",
        "QD1-10",
        "adopted",
    ),
    (
        "Bản đồ số điểm ngập do người dân báo cáo",
        F.URBAN,
        "Thông tin điểm ngập sau mưa đến cơ quan chức năng chậm, người dân không biết tuyến nào đang ngập để tránh.",
        "Ứng dụng web cho người dân gửi ảnh, vị trí và mức ngập; tổng hợp thành bản đồ thời gian thực, chia sẻ cho Trung tâm chống ngập và UBND phường.",
        "Điều phối lực lượng ứng phó nhanh hơn; người dân chọn lộ trình tránh ngập.",
        "",
        "Võ Quốc Huy – kỹ sư Phòng Quản lý đô thị",
        "QD-BINHTHANH-01",
        "piloted",
    ),
    (
        "Phản ánh điểm ngập nước qua bản đồ trực tuyến",
        F.URBAN,
        "Người dân không có kênh nhanh để báo điểm ngập nước, cơ quan quản lý đô thị không nắm kịp thời.",
        "Xây dựng bản đồ trực tuyến cho người dân phản ánh điểm ngập bằng ảnh và vị trí GPS, hiển thị công khai.",
        "Nắm bắt điểm ngập kịp thời, hỗ trợ điều tiết giao thông.",
        "",
        "Đỗ Thanh Tâm – chuyên viên",
        "QD-GOVAP-01",
        "merged",
    ),
    (
        "Số hóa hồ sơ hộ tịch lưu trữ từ năm 1976",
        F.DIGITAL,
        "Sổ hộ tịch giấy lưu trữ nhiều năm bị ố, rách; tra cứu thủ công mất nhiều ngày khi cấp bản sao trích lục.",
        "Đoàn viên tình nguyện scan, nhập liệu có kiểm tra chéo sổ hộ tịch cũ vào cơ sở dữ liệu hộ tịch điện tử theo chuẩn của Bộ Tư pháp.",
        "Cấp bản sao trích lục trong ngày; bảo quản bản gốc.",
        "UBND xã Hiệp Phước đã số hóa 40% sổ.",
        "Huỳnh Thị Thu Thảo – công chức Tư pháp - Hộ tịch",
        "HD-NHABE-02",
        "adopted",
    ),
    (
        "Trợ lý ảo trả lời câu hỏi về thủ tục hành chính",
        F.DIGITAL,
        "Tổng đài và bộ phận một cửa nhận rất nhiều câu hỏi lặp lại về hồ sơ, lệ phí, thời hạn giải quyết.",
        "Trợ lý ảo trên Zalo OA và cổng thông tin trả lời tự động dựa trên bộ thủ tục hành chính đã công bố; chuyển câu hỏi khó cho cán bộ.",
        "Giảm 50% cuộc gọi hỏi đáp; người dân được trả lời 24/7.",
        "",
        "Nguyễn Đức Anh – chuyên viên Phòng Công nghệ thông tin",
        "DKDCD-14",
        "forwarded_overdue",
    ),
    (
        "Mã QR tra cứu tiến độ hồ sơ trên giấy biên nhận",
        F.ADMIN_REFORM,
        "Người dân phải gọi điện hoặc quay lại bộ phận một cửa để hỏi hồ sơ đã giải quyết đến đâu.",
        "In mã QR trên giấy biên nhận, quét để xem tiến độ xử lý hồ sơ và nhận thông báo khi có kết quả.",
        "Giảm đi lại, minh bạch tiến độ giải quyết hồ sơ.",
        "Đang áp dụng tại Bộ phận một cửa quận 3.",
        "Lâm Gia Huy – chuyên viên Văn phòng HĐND và UBND quận",
        "QD3-01",
        "adopted",
    ),
    (
        "Chữ ký số cho cán bộ, công chức cấp phường",
        F.DIGITAL,
        "Văn bản nội bộ cấp phường vẫn in ký tay rồi scan, mất thời gian và không có giá trị pháp lý điện tử đầy đủ.",
        "Cấp chữ ký số cá nhân cho lãnh đạo và công chức chuyên môn, ký văn bản trên hệ thống quản lý văn bản điều hành.",
        "Giảm in ấn, rút ngắn thời gian ban hành văn bản.",
        "",
        "Phan Thị Mỹ Linh – công chức Văn phòng - Thống kê",
        "TD-THUDUC-01",
        "feasible",
    ),
    (
        "Ngày thứ Bảy tình nguyện hướng dẫn dịch vụ công trực tuyến",
        F.ADMIN_REFORM,
        "Tỷ lệ hồ sơ nộp trực tuyến toàn trình còn thấp vì người dân không biết cách tạo tài khoản và nộp hồ sơ.",
        "Đoàn viên trực tại bộ phận một cửa sáng thứ Bảy, hướng dẫn từng bước nộp hồ sơ trực tuyến và thanh toán không dùng tiền mặt.",
        "Tăng tỷ lệ hồ sơ trực tuyến; người dân tự nộp được lần sau.",
        "Đã tổ chức 6 buổi tại xã Phước Kiển.",
        "Trương Văn Lộc – Phó Bí thư Đoàn xã",
        "HD-NHABE-06",
        "piloted",
    ),
    (
        "Thanh toán lệ phí hành chính bằng mã QR ngân hàng",
        F.ECONOMY,
        "Người dân vẫn nộp lệ phí bằng tiền mặt, cán bộ mất thời gian thu, kiểm đếm và nộp kho bạc.",
        "Niêm yết mã QR tài khoản thu lệ phí tại quầy, đối soát tự động với biên lai điện tử.",
        "Giảm tiền mặt, rút ngắn thời gian giao dịch.",
        "",
        "Đặng Minh Khôi – kế toán UBND phường",
        "QD5-01",
        "forwarded_answered",
    ),
    (
        "Cẩm nang thủ tục hành chính bằng video ngắn",
        F.ADMIN_REFORM,
        "Văn bản hướng dẫn thủ tục dài, khó hiểu; người dân nộp sai hồ sơ phải bổ sung nhiều lần.",
        "Sản xuất loạt video 1–2 phút hướng dẫn 20 thủ tục thường gặp, đăng trên TikTok, Facebook và màn hình tại bộ phận một cửa.",
        "Giảm hồ sơ phải bổ sung; lan tỏa hình ảnh chính quyền thân thiện.",
        "",
        "Bùi Ngọc Trâm – chuyên viên truyền thông",
        "QD10-01",
        "declined",
    ),
    (
        "Phân loại rác tại nguồn bằng thẻ tích điểm",
        F.ENVIRONMENT,
        "Phân loại rác tại nguồn chưa thành thói quen, rác tái chế lẫn rác hữu cơ.",
        "Hộ gia đình phân loại đúng được tích điểm qua thẻ QR khi giao rác, đổi điểm lấy quà hoặc giảm phí thu gom.",
        "Tăng tỷ lệ rác được phân loại; giảm chi phí xử lý.",
        "Thí điểm tại 2 chung cư ở phường Thảo Điền.",
        "Ngô Thị Hồng Nhung – chuyên viên Phòng Tài nguyên và Môi trường",
        "TD-THUDUC-02",
        "forwarded_answered",
    ),
    (
        "Cảnh báo triều cường qua tin nhắn cho hộ dân ven sông",
        F.ENVIRONMENT,
        "Hộ dân ven sông ở Cần Giờ, Nhà Bè bị bất ngờ khi triều cường vượt mức báo động.",
        "Đăng ký số điện thoại hộ dân theo tổ, gửi tin nhắn và Zalo cảnh báo khi dự báo triều vượt báo động 1.",
        "Người dân chủ động kê cao tài sản, giảm thiệt hại.",
        "",
        "Nguyễn Thị Ánh – công chức Địa chính - Xây dựng",
        "HD-CANGIO-01",
        "feasible",
    ),
    (
        "Quản lý vỉa hè bằng bản đồ số cấp phép sử dụng tạm thời",
        F.URBAN,
        "Cấp phép sử dụng tạm thời vỉa hè còn thủ công, khó kiểm tra vị trí được phép.",
        "Bản đồ số các đoạn vỉa hè được cấp phép, có mã QR tại chỗ để người dân và lực lượng kiểm tra tra cứu.",
        "Minh bạch, giảm khiếu nại, tăng thu phí đúng quy định.",
        "",
        "Hồ Tấn Phát – chuyên viên Phòng Quản lý đô thị",
        "QD1-05",
        "not_feasible",
    ),
    (
        "Sổ tay điện tử cho tổ trưởng tổ dân phố",
        F.DIGITAL,
        "Tổ trưởng tổ dân phố ghi chép nhân khẩu, thông báo bằng sổ giấy và loa, thông tin đến chậm.",
        "Ứng dụng đơn giản để tổ trưởng gửi thông báo, nhận phản ánh và cập nhật biến động nhân khẩu cho phường.",
        "Thông tin thông suốt giữa phường và khu dân cư.",
        "",
        "Lý Hoàng Nam – chuyên viên",
        "QD6-01",
        "under_review_decided",
    ),
    (
        "Tiếp nhận hồ sơ đất đai tại nhà cho người cao tuổi",
        F.ADMIN_REFORM,
        "Người cao tuổi, người khuyết tật khó đến trụ sở để nộp hồ sơ đăng ký biến động đất đai.",
        "Tổ công tác đến nhà tiếp nhận hồ sơ theo lịch hẹn, số hóa tại chỗ bằng máy tính bảng.",
        "Hỗ trợ người yếu thế, giảm đi lại.",
        "",
        "Trần Quốc Việt – công chức Địa chính",
        "HD-CUCHI-01",
        "under_review_decided",
    ),
    (
        "Kho dữ liệu mở về giá đất và quy hoạch cho doanh nghiệp nhỏ",
        F.ECONOMY,
        "Doanh nghiệp nhỏ khó tiếp cận thông tin quy hoạch, giá đất để quyết định đầu tư.",
        "Công bố dữ liệu mở (định dạng máy đọc được) về quy hoạch sử dụng đất và bảng giá đất trên cổng dữ liệu thành phố.",
        "Giảm chi phí tìm hiểu thông tin, thu hút đầu tư.",
        "",
        "Châu Minh Tuấn – chuyên viên Phòng Kinh tế",
        "DKDCD-06",
        "under_review",
    ),
    (
        "Bản đồ việc làm bán thời gian cho sinh viên",
        F.ECONOMY,
        "Sinh viên tìm việc làm thêm qua mạng xã hội dễ bị lừa đảo, thông tin không kiểm chứng.",
        "Bản đồ việc làm bán thời gian do Trung tâm dịch vụ việc làm kiểm duyệt nhà tuyển dụng, có đánh giá của sinh viên.",
        "Giảm lừa đảo, kết nối việc làm an toàn.",
        "",
        "Phạm Thảo Vy – cán bộ Đoàn trường",
        "DH-BK-01",
        "under_review",
    ),
    (
        "Phòng học STEM lưu động cho trường ngoại thành",
        F.EDUCATION,
        "Học sinh ngoại thành ít được tiếp cận thiết bị STEM, robot, in 3D.",
        "Xe buýt cải tạo thành phòng học STEM lưu động, luân phiên về các trường, giáo viên trẻ và sinh viên tình nguyện hướng dẫn.",
        "Tăng cơ hội học STEM cho học sinh ngoại thành.",
        "",
        "Đinh Công Bằng – giáo viên",
        "DKDCD-10",
        "not_feasible",
    ),
    (
        "Học bạ điện tử liên thông giữa các cấp học",
        F.EDUCATION,
        "Chuyển cấp, chuyển trường phải sao y học bạ giấy, phụ huynh đi lại nhiều lần.",
        "Liên thông học bạ điện tử giữa các trường trên cơ sở dữ liệu ngành giáo dục, chia sẻ khi chuyển trường.",
        "Giảm giấy tờ, thủ tục chuyển trường nhanh.",
        "",
        "Trịnh Thu Hà – chuyên viên Phòng Giáo dục và Đào tạo",
        "QD-TANBINH-01",
        "submitted",
    ),
    (
        "Sổ sức khỏe điện tử cho người cao tuổi tại trạm y tế",
        F.HEALTH,
        "Người cao tuổi khám định kỳ ở trạm y tế, hồ sơ giấy thất lạc, bác sĩ không theo dõi được bệnh mãn tính.",
        "Triển khai sổ sức khỏe điện tử gắn với định danh điện tử, nhắc lịch tái khám qua tin nhắn.",
        "Theo dõi bệnh mãn tính liên tục, giảm quá tải tuyến trên.",
        "",
        "Bác sĩ Lê Thị Mai Phương – Trạm Y tế phường",
        "QD8-01",
        "forwarded_overdue",
    ),
    (
        "Đặt lịch tiêm chủng trực tuyến tại trạm y tế phường",
        F.HEALTH,
        "Phụ huynh chờ lâu khi đưa trẻ đi tiêm chủng, trạm y tế đông vào ngày tiêm.",
        "Đặt lịch tiêm theo khung giờ qua ứng dụng, nhắc lịch tiêm mũi tiếp theo.",
        "Giảm chờ đợi, tránh bỏ sót mũi tiêm.",
        "",
        "Điều dưỡng Võ Thị Tuyết – Trạm Y tế",
        "QD11-01",
        "submitted",
    ),
    (
        "Không gian đọc sách cộng đồng tại nhà văn hóa khu phố",
        F.CULTURE_SOCIETY,
        "Thanh thiếu nhi ít có không gian đọc sách, sinh hoạt lành mạnh gần nhà.",
        "Cải tạo góc nhà văn hóa khu phố thành thư viện mở, vận động sách cũ, đoàn viên trực cuối tuần.",
        "Xây dựng văn hóa đọc, sân chơi lành mạnh.",
        "Đã làm tại khu phố 3 phường 12.",
        "Hà Thanh Trúc – Phó Bí thư Đoàn phường",
        "QD-GOVAP-02",
        "not_feasible",
    ),
    (
        "Ứng dụng báo cáo vi phạm trật tự xây dựng có ảnh định vị",
        F.URBAN,
        "Vi phạm trật tự xây dựng phát hiện chậm, khi xử lý thì công trình đã hoàn thành.",
        "Ứng dụng cho tổ dân phố và người dân gửi ảnh có định vị, thời gian; thanh tra xây dựng nhận cảnh báo ngay.",
        "Phát hiện sớm, xử lý dứt điểm vi phạm.",
        "",
        "Kiều Minh Đức – thanh tra xây dựng",
        "DKDCD-12",
        "feasible",
    ),
    (
        "Chấm điểm mức độ hài lòng bằng máy tính bảng tại quầy",
        F.ADMIN_REFORM,
        "Khảo sát mức độ hài lòng bằng phiếu giấy ít người điền, số liệu không phản ánh thực tế.",
        "Đặt máy tính bảng tại mỗi quầy để người dân chấm điểm ngay sau giao dịch, dữ liệu tổng hợp hằng tuần.",
        "Đo lường chính xác, cải thiện thái độ phục vụ.",
        "",
        "Mai Anh Khoa – chuyên viên Sở Nội vụ",
        "DKDCD-08",
        "under_review",
    ),
    (
        "Tra cứu văn bản quy phạm pháp luật của thành phố bằng tiếng Việt không dấu",
        F.DIGITAL,
        "Cổng tra cứu văn bản khó tìm khi gõ không dấu hoặc sai chính tả.",
        "Cải tiến công cụ tìm kiếm văn bản: tìm không dấu, gợi ý từ khóa, lọc theo lĩnh vực và hiệu lực.",
        "Người dân và cán bộ tìm văn bản nhanh, chính xác.",
        "",
        "Tạ Quang Vinh – chuyên viên Sở Tư pháp",
        "DKDCD-05",
        "forwarded_answered",
    ),
    (
        "Đưa rác cồng kềnh đi xử lý theo lịch hẹn",
        F.ENVIRONMENT,
        "Rác cồng kềnh (nệm, tủ cũ) bị vứt ra kênh rạch, vỉa hè gây ô nhiễm và ngập.",
        "Người dân đăng ký lịch thu gom rác cồng kềnh miễn phí theo tháng qua tổng đài hoặc Zalo.",
        "Giảm rác thải trái phép, giảm tắc nghẽn cống.",
        "",
        "Phùng Thị Thanh – chuyên viên",
        "QD4-01",
        "submitted",
    ),
    (
        "Thẻ xe buýt tích hợp định danh điện tử cho học sinh",
        F.URBAN,
        "Học sinh phải làm thẻ xe buýt giấy mỗi năm, dễ mất, thủ tục rườm rà.",
        "Dùng ứng dụng định danh điện tử thay thẻ xe buýt học sinh, xác thực bằng mã QR khi lên xe.",
        "Giảm thủ tục, quản lý vé ưu đãi minh bạch.",
        "",
        "Lưu Bảo Ngọc – chuyên viên Sở Giao thông vận tải",
        "DKDCD-11",
        "under_review",
    ),
    (
        "Chợ phiên nông sản an toàn cho thanh niên khởi nghiệp",
        F.ECONOMY,
        "Thanh niên khởi nghiệp nông nghiệp ở Củ Chi, Hóc Môn khó tìm đầu ra ổn định.",
        "Tổ chức chợ phiên nông sản an toàn cuối tuần tại nhà văn hóa thanh niên, có truy xuất nguồn gốc bằng mã QR.",
        "Tăng thu nhập cho thanh niên, người tiêu dùng có sản phẩm an toàn.",
        "",
        "Nguyễn Văn Tài – Bí thư Đoàn xã",
        "HD-HOCMON-01",
        "pending",
    ),
    (
        "Lớp kỹ năng số cho công chức mới tuyển dụng",
        F.DIGITAL,
        "Công chức mới còn lúng túng với hệ thống văn bản điện tử, chữ ký số, dịch vụ công.",
        "Khóa học trực tuyến ngắn, có bài thực hành trên môi trường thử nghiệm của các hệ thống dùng chung.",
        "Công chức làm việc được ngay trên các nền tảng số.",
        "",
        "Đoàn Thị Diễm – chuyên viên Sở Nội vụ",
        "DKDCD-08",
        "pending",
    ),
    (
        "Chuẩn hóa địa chỉ số cho từng căn nhà",
        F.DIGITAL,
        "Địa chỉ nhà ở nhiều hẻm không thống nhất, giao hàng và cứu hộ khó tìm.",
        "Gắn mã địa chỉ số (mã QR và tọa độ) cho từng căn nhà theo chuẩn của ngành thông tin và truyền thông.",
        "Hỗ trợ cứu hộ, cứu nạn, thương mại điện tử và quản lý dân cư.",
        "",
        "Trần Nhật Minh – chuyên viên",
        "QD-PHUNHUAN-01",
        "not_feasible",
    ),
    (
        "Theo dõi chất lượng không khí bằng cảm biến giá rẻ ở trường học",
        F.ENVIRONMENT,
        "Chưa có số liệu bụi mịn tại các trường học gần trục giao thông lớn.",
        "Lắp cảm biến PM2.5 giá rẻ tại 20 trường, công bố số liệu trên bản đồ, cảnh báo khi vượt ngưỡng.",
        "Bảo vệ sức khỏe học sinh, có dữ liệu cho chính sách.",
        "",
        "Lê Hữu Nghĩa – giảng viên",
        "DH-KHTN-01",
        "under_review_decided",
    ),
    (
        "Tư vấn pháp luật trực tuyến miễn phí cho thanh niên công nhân",
        F.CULTURE_SOCIETY,
        "Thanh niên công nhân ít hiểu quyền lợi về hợp đồng lao động, bảo hiểm xã hội.",
        "Luật sư trẻ tư vấn qua livestream hằng tháng và hộp thư hỏi đáp trên fanpage.",
        "Bảo vệ quyền lợi người lao động trẻ.",
        "",
        "Kim Ngọc Hiếu – chuyên viên",
        "DKDN-01",
        "submitted",
    ),
    (
        "Nhắc hạn nộp thuế hộ kinh doanh qua tin nhắn",
        F.ECONOMY,
        "Hộ kinh doanh quên hạn nộp thuế, bị phạt chậm nộp.",
        "Gửi tin nhắn và thông báo ứng dụng nhắc hạn khai, nộp thuế cho hộ kinh doanh trên địa bàn.",
        "Giảm vi phạm, tăng thu ngân sách đúng hạn.",
        "",
        "Đào Thùy Dương – công chức",
        "QD7-01",
        "submitted",
    ),
]

REVIEW_COMMENTS = [
    "Ý tưởng thiết thực, giải quyết đúng bức xúc của người dân; cần làm rõ kinh phí duy trì.",
    "Có thể nhân rộng ra các phường khác; đề nghị bổ sung số liệu thí điểm.",
    "Giải pháp khả thi về kỹ thuật, cần phối hợp với cơ quan chủ quản hệ thống.",
    "Tính mới chưa cao, đã có mô hình tương tự; nên kết hợp với hệ thống hiện có.",
    "Hiệu quả rõ, chi phí thấp, dễ triển khai.",
]
NOT_FEASIBLE_REASONS = [
    "Nội dung trùng với dự án đang được thành phố triển khai; đề nghị tác giả tham gia góp ý cho dự án đó.",
    "Kinh phí đầu tư vượt khả năng cân đối của địa phương trong giai đoạn hiện nay.",
    "Chưa phù hợp quy định hiện hành về quản lý dữ liệu dân cư.",
]
QUESTIONS = [
    (
        "Tác giả cho biết số liệu cụ thể của giai đoạn thí điểm (số hồ sơ, thời gian chờ trước và sau)?",
        "Trong 3 tháng thí điểm có 1.240 lượt đặt lịch, thời gian chờ bình quân giảm từ 85 phút xuống 18 phút.",
    ),
    ("Giải pháp cần phần mềm riêng hay dùng được hệ thống sẵn có của thành phố?", ""),
]
AGENCY_FOR_FIELD = {
    F.ADMIN_REFORM: ["Sở Nội vụ", "Văn phòng Ủy ban nhân dân Thành phố"],
    F.DIGITAL: ["Sở Thông tin và Truyền thông"],
    F.URBAN: ["Sở Xây dựng", "Sở Giao thông vận tải"],
    F.ECONOMY: ["Sở Kế hoạch và Đầu tư"],
    F.EDUCATION: ["Sở Giáo dục và Đào tạo"],
    F.HEALTH: ["Sở Y tế"],
    F.ENVIRONMENT: ["Sở Tài nguyên và Môi trường"],
    F.CULTURE_SOCIETY: ["Sở Lao động - Thương binh và Xã hội"],
}
DECLINE_REASON = "Sở đang triển khai nội dung tương tự trong kế hoạch truyền thông năm 2023; ghi nhận để phối hợp."
RESULTS = [
    "Đã triển khai tại 12 phường của quận; thời gian chờ bình quân giảm còn 20 phút.",
    "Sở ban hành văn bản hướng dẫn nhân rộng; 3 quận, huyện đăng ký áp dụng.",
    "Sau 3 tháng: 8.500 lượt người dân sử dụng, mức độ hài lòng 96%.",
]


def _unit(code: str) -> Unit | None:
    unit = Unit.objects.filter(code=code).first()
    if unit is None and "-" in code:  # a smaller demo directory: fall back to the direct unit
        unit = Unit.objects.filter(code=code.rsplit("-", 1)[0]).first()
    return unit


def _contact(authors: str, rng: random.Random) -> tuple[str, str]:
    name = fold(authors.split("–")[0]).split()
    email = f"{name[-1]}.{''.join(w[0] for w in name[:-1])}{rng.randint(10, 99)}@demo.thidua.vn"
    return email, f"09{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"


@dataclass
class _Run:
    """Who acts in the demo, the departments, the seeded random source, and the initiatives made so far."""

    coordinator: object
    reviewers: list
    agencies: dict[str, Agency]
    rng: random.Random
    made: dict[str, Initiative] = field(default_factory=dict)


def _submit(run: _Run, campaign: Campaign, n: int, idea: tuple, officers_by_unit: dict) -> Initiative | None:
    """The n-th idea, sent by its authors (or by their unit's demo officer), e-mail confirmed unless
    it is to stay pending; None when the demo directory has no unit for it."""
    title, field_, problem, solution, benefit, tried, authors, code, state = idea
    unit = _unit(code)
    if unit is None:
        return None
    rng = run.rng
    at = vn_datetime(dt.date(2023, 4, 20) + dt.timedelta(days=n), 8 + n % 9, (7 * n) % 60)
    officer = next((u for c, u in officers_by_unit.items() if code == c or code.startswith(c + "-")), None)
    email, phone = _contact(authors, rng)
    content = services.InitiativeDraft(
        title=title,
        field=field_,
        problem=problem,
        solution=solution,
        benefit=benefit,
        tried_at=tried,
        authors=authors,
        contact_email=email,
        contact_phone=phone if rng.random() < 0.7 else "",
        show_authors=rng.random() < 0.75,
    )
    attachment = (f"thuyet-minh-sang-kien-{n + 1:02d}.pdf", pdf_bytes(f"Thuyet minh sang kien: {title}"))
    initiative = services.initiative_submit(
        actor=officer,
        campaign=campaign,
        unit=unit,
        content=content,
        on_behalf=officer is not None,
        uploads=[attachment] if n % 3 == 0 and officer is not None else [],
        now=at,
        notify=False,
    )
    if state != "pending" and initiative.status == Initiative.Status.PENDING:
        confirmed = at + dt.timedelta(minutes=rng.randint(3, 300))
        initiative = services.initiative_confirm_email(initiative=initiative, now=confirmed, notify=False)
        if n % 3 == 0:  # the author adds the file from the tracking page, once the address is confirmed
            services.initiative_files_add(actor=None, initiative=initiative, uploads=[attachment], now=confirmed)
        if state != "submitted" or n % 2:  # a few sent without an account still wait for screening
            initiative = services.initiative_screen(
                actor=run.coordinator, initiative=initiative, now=confirmed + dt.timedelta(hours=2)
            )
    run.made[title] = initiative
    _advance(run, initiative, state, at)
    return initiative


def build(campaign: Campaign, *, coordinator, reviewers: list, officers_by_unit: dict, seed: int = 2023) -> dict:
    """The demo's initiatives; the campaign's initiative indicators are recounted once at the end."""
    rng = random.Random(seed)
    for agency in Agency.objects.filter(email=""):
        agency.email = f"{fold(agency.short_name).replace(' ', '')}@demo.thidua.vn"
        agency.save(update_fields=["email"])
    run = _Run(coordinator, reviewers, {a.name: a for a in Agency.objects.all()}, rng)
    counts: dict[str, int] = {}
    with feed.paused():
        for n, idea in enumerate(IDEAS):
            if _submit(run, campaign, n, idea, officers_by_unit) is not None:
                state = idea[-1]
                counts[state] = counts.get(state, 0) + 1
    written = feed.initiatives_feed(actor=coordinator, campaign=campaign, as_of=campaign.period_end)
    return {"initiatives": len(run.made), "values": written, "states": counts}


def _advance(run: _Run, initiative: Initiative, state: str, at: dt.datetime) -> None:
    """Carry a submitted initiative through the services to its target state, one stage after another."""
    if state in ("pending", "submitted"):
        if state == "submitted" and run.rng.random() < 0.5:
            q, _a = QUESTIONS[1]
            now = at + dt.timedelta(days=3)
            services.question_ask(actor=run.coordinator, initiative=initiative, text=q, notify=False, now=now)
        return
    if state == "merged":
        # The duplicate of the initiative just before it in IDEAS (same problem, other words).
        original = list(run.made.values())[-2]
        reason = "Trùng ý tưởng với sáng kiến đã gửi trước."
        services.initiative_merge(
            actor=run.coordinator, duplicate=initiative, into=original, reason=reason, notify=False
        )
        return
    _evaluate(run, initiative, state)
    if state == "under_review":
        return
    _decide(run, initiative, state)
    if state == "under_review_decided":
        return  # decided, waiting for the next batch to be published
    now = vn_datetime(dt.date(2023, 6, 8), 10)
    evaluation.decisions_publish(actor=run.coordinator, initiatives=[initiative], now=now, notify=False)
    if state in ("not_feasible", "feasible"):
        return
    created = _forward(run, initiative)
    if state == "forwarded_overdue":
        return  # no answer yet: flagged overdue on the list
    _answer(run, created, state)


def _evaluate(run: _Run, initiative: Initiative, state: str) -> None:
    """Reviewers without a conflict score it (one has not yet while it is under review); sometimes
    the council asks the author a question, mostly answered."""
    rng = run.rng
    review_at = vn_datetime(
        dt.date(2023, 5, 26) + dt.timedelta(days=rng.randint(0, 4)), rng.randint(8, 15), rng.randint(0, 59)
    )
    fit = [r for r in run.reviewers if not _conflict(r, initiative)]
    chosen = rng.sample(fit, k=min(3, len(fit)))
    evaluation.reviewers_assign(
        actor=run.coordinator, initiative=initiative, reviewers=chosen, now=review_at, notify=False
    )
    good = state not in ("not_feasible",)
    for k, reviewer in enumerate(chosen):
        if state == "under_review" and k == len(chosen) - 1:
            break  # one reviewer has not scored yet
        base = rng.randint(7, 9) if good else rng.randint(3, 5)
        scores = {name: max(1, min(10, base + rng.randint(-2, 1))) for name, _label in CRITERIA}
        evaluation.score_save(
            actor=reviewer,
            initiative=initiative,
            scores=scores,
            comment=rng.choice(REVIEW_COMMENTS),
            now=review_at + dt.timedelta(days=1 + k),
        )
    if rng.random() < 0.3:
        q, a = QUESTIONS[0]
        asked_at = review_at + dt.timedelta(days=1)
        question = services.question_ask(
            actor=run.coordinator, initiative=initiative, text=q, notify=False, now=asked_at
        )
        if a:
            answered_at = review_at + dt.timedelta(days=2)
            services.question_answer(actor=None, question=question, answer=a, notify=False, now=answered_at)


def _decide(run: _Run, initiative: Initiative, state: str) -> None:
    """The council's decision: not feasible (with one of the usual reasons) or feasible."""
    decided_at = vn_datetime(dt.date(2023, 6, 6), 15)
    if state == "not_feasible":
        decision, reason = "not_feasible", run.rng.choice(NOT_FEASIBLE_REASONS)
    else:
        decision, reason = "feasible", "Hội đồng đánh giá cao tính thiết thực và khả năng nhân rộng."
    evaluation.initiative_decide(
        actor=run.coordinator, initiative=initiative, decision=decision, reason=reason, now=decided_at
    )


def _forward(run: _Run, initiative: Initiative) -> list:
    """Forward a feasible initiative to the departments of its field."""
    names = AGENCY_FOR_FIELD.get(initiative.field, ["Văn phòng Ủy ban nhân dân Thành phố"])
    return forwarding.initiative_forward(
        actor=run.coordinator,
        initiative=initiative,
        agencies=[run.agencies[n] for n in names if n in run.agencies],
        respond_by=dt.date(2023, 7, 14),
        note="Kính đề nghị Quý Sở xem xét, phản hồi khả năng áp dụng.",
        now=vn_datetime(dt.date(2023, 6, 12), 9),
        notify=False,
    )


def _response(state: str, k: int, forwarded: int) -> tuple[str, str]:
    """The k-th department's answer (of `forwarded`) for an initiative meant to end in `state`."""
    if state == "forwarded_answered" and k == 0 and forwarded == 1:
        return "pilot", "Sở thống nhất thí điểm tại một số phường trong quý III/2023."
    if state == "declined":
        return "decline", DECLINE_REASON
    if state == "piloted":
        return "pilot", "Thí điểm 6 tháng, đánh giá trước khi nhân rộng."
    return ("adopt" if k == 0 else "pilot"), "Sở thống nhất áp dụng và hướng dẫn nhân rộng."


def _answer(run: _Run, created: list, state: str) -> None:
    """The departments answer; adopted and piloted initiatives get a result."""
    answer_at = vn_datetime(dt.date(2023, 7, 10), 16)
    for k, item in enumerate(created):
        response, reason = _response(state, k, len(created))
        item = forwarding.forwarding_respond(
            actor=run.coordinator,
            forwarding=item,
            response=response,
            response_date=dt.date(2023, 7, 8),
            reason=reason,
            now=answer_at,
            notify=False,
        )
        if response in ("adopt", "pilot") and state in ("adopted", "piloted"):
            forwarding.result_add(
                actor=run.coordinator,
                forwarding=item,
                date=dt.date(2023, 10, 15),
                text=run.rng.choice(RESULTS),
                now=vn_datetime(dt.date(2023, 10, 16), 9),
            )


def _conflict(user, initiative) -> bool:
    return initiative_access.reviewer_conflict(user, initiative.unit)
