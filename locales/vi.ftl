# Tiếng Việt. Same messages as ja.ftl. Translated from the Japanese; not yet reviewed by a
# native speaker (see docs/methods.md, "Survey definitions").

## Language metadata and page frame
site_name = Khảo sát người dân về Chính sách số của thành phố Suita
skip_to_content = Chuyển đến nội dung chính
language_switch = Ngôn ngữ (Language)
furigana_on = Hiện furigana
furigana_off = Ẩn furigana

## Start page
index_title = Khảo sát người dân
index_lead = Thành phố Suita đang lấy ý kiến người dân về việc thực hiện chính sách số. Câu trả lời được giữ ẩn danh.
no_waves = Hiện chưa có cuộc khảo sát nào được lên kế hoạch.
status_open = Đang nhận trả lời
status_upcoming = Chưa bắt đầu
status_closed = Đã kết thúc
answer_link = Trả lời khảo sát
results_link = Xem kết quả

## The form
anonymity_note = Cuộc khảo sát này là ẩn danh. Chúng tôi không hỏi tên, địa chỉ hay địa chỉ e-mail của bạn.
required = bắt buộc
submit = Gửi câu trả lời
error_prefix = Lỗi:{" "}
error_summary_title = Vui lòng kiểm tra lại câu trả lời
choose_all = Hãy chọn tất cả các mục phù hợp.
scale_1 = Hoàn toàn không đồng ý
scale_2 = Không đồng ý lắm
scale_3 = Không thể nói là đồng ý hay không đồng ý
scale_4 = Tương đối đồng ý
scale_5 = Rất đồng ý
dont_know = Không biết
importance_1 = Hoàn toàn không quan trọng
importance_2 = Không quan trọng lắm
importance_3 = Không rõ quan trọng hay không
importance_4 = Khá quan trọng
importance_5 = Rất quan trọng
question_number = Câu { $n }
numbered_problem = { $number }: { $problem }
only_if = Chỉ trả lời nếu bạn đã chọn “{ $answer }” ở câu { $question }.
max_choices = Chọn tối đa { $max } mục.
max_length = Tối đa { $max } ký tự.
number_range = Một số nguyên từ { $min } đến { $max }.
number_range_unit = Một số nguyên từ { $min } đến { $max } { $unit }.

## Problems with an answer
problem_required = Hãy trả lời câu hỏi này.
problem_not_an_option = Hãy chọn một trong các phương án đã cho.
problem_too_many_choices = Chỉ được chọn tối đa { $max } mục. Hãy bớt lựa chọn.
problem_too_long = Hãy viết tối đa { $max } ký tự (hiện tại { $length } ký tự).
problem_not_a_number = Hãy chỉ nhập số, ví dụ 3.
problem_out_of_range = Hãy nhập một số từ { $min } đến { $max }.
problem_unknown_field = Trang này được gửi từ một phiên bản cũ của biểu mẫu. Hãy kiểm tra câu trả lời bên dưới và gửi lại.
problem_missing_key = Biểu mẫu đã hết hạn. Câu trả lời của bạn vẫn còn bên dưới: hãy kiểm tra và gửi lại.
problem_control_character = Câu trả lời có ký tự điều khiển (như NUL) không thể lưu. Hãy xoá ký tự đó rồi gửi lại; xuống dòng và tab thì dùng được.
problem_not_utf8 = Câu trả lời có ký tự bị lỗi (�). Hãy nhập lại phần đó rồi gửi lại.

## Dates
date = ngày { $day } tháng { $month } năm { $year }
period = Thời gian khảo sát: { $opens } – { $closes }
opens_on = Bắt đầu nhận trả lời từ { $date }.
closed_on = Đã kết thúc nhận trả lời vào { $date }.

## After answering, and pages that say why not
thanks_title = Cảm ơn bạn đã trả lời
thanks_body = Câu trả lời của bạn đã được lưu ẩn danh. Ý kiến của bạn sẽ được dùng để đánh giá và điều chỉnh Chính sách số của thành phố Suita.
back_to_top = Về trang đầu
back_to_form = Quay lại khảo sát
closed_title = Cuộc khảo sát này đã kết thúc
upcoming_title = Cuộc khảo sát này chưa bắt đầu
not_stored = Câu trả lời này chưa được lưu.
not_found_title = Không tìm thấy trang
not_found_body = Hãy kiểm tra lại địa chỉ. Danh sách các cuộc khảo sát có ở trang đầu.
too_large_title = Nội dung gửi quá lớn
too_large_body = Câu trả lời chưa được lưu. Hãy dùng nút “Quay lại” của trình duyệt để trở về biểu mẫu, rút ngắn phần tự viết rồi gửi lại.
unavailable_title = Hiện không thể lưu câu trả lời
unavailable_body = Câu trả lời chưa được lưu. Nội dung vẫn còn trên trang này: hãy đợi một lát rồi gửi lại.
internal_title = Đã xảy ra lỗi
internal_body = Xin lỗi, câu trả lời chưa được lưu. Hãy thử lại sau.
bad_request_title = Không đọc được địa chỉ hoặc nội dung gửi này
bad_request_body = Không có gì được lưu. Hãy kiểm tra địa chỉ, hoặc mở lại từ trang đầu.
timeout_title = Việc gửi mất quá nhiều thời gian
timeout_body = Câu trả lời chưa được lưu. Hãy dùng nút “Quay lại” của trình duyệt để trở về biểu mẫu và gửi lại ở nơi có kết nối tốt hơn.

## Invitations
invitation_only_title = Cuộc khảo sát này chỉ dành cho người được mời
invitation_only_body = Hãy trả lời qua đường liên kết riêng trong e-mail chúng tôi đã gửi cho bạn.
invalid_link_title = Không thể dùng đường liên kết này
invalid_link_body = Đường liên kết không đúng, hoặc đã bị xoá sau khi khảo sát kết thúc. Hãy dùng đúng đường liên kết trong e-mail.
already_answered_title = Bạn đã trả lời rồi
already_answered_body = Chúng tôi đã nhận câu trả lời qua đường liên kết này. Mỗi người chỉ trả lời một lần. Cảm ơn bạn đã tham gia.
opt_out_title = Dừng e-mail nhắc trả lời?
opt_out_body = Chúng tôi sẽ không gửi thêm e-mail nhắc trả lời cuộc khảo sát này. Bạn vẫn có thể trả lời.
opt_out_button = Dừng e-mail nhắc
opted_out_title = Đã dừng e-mail nhắc
opted_out_body = Chúng tôi sẽ không gửi thêm e-mail nào về cuộc khảo sát này.

## Access codes of postal waves
code_entry_title = Nhập mã truy cập
code_entry_lead = Hãy nhập mã truy cập gồm 16 ký tự in trên thư chúng tôi gửi qua bưu điện. Có thể nhập hoặc không nhập dấu gạch ngang (-) và khoảng trắng; chữ thường và ký tự toàn độ rộng cũng đọc được.
code_label = Mã truy cập
code_hint = Ví dụ: ABCD-EFGH-JKMN-PQRS (mã không dùng số 0, 1 và chữ O, I, L).
code_submit = Bắt đầu trả lời
code_empty = Hãy nhập mã truy cập.
code_length = Mã truy cập có 16 ký tự: hãy nhập đúng như in trên thư.
code_check = Hãy kiểm tra lại mã: có vẻ có một ký tự bị sai (mã không dùng 0, 1, O, I, L).
code_unknown_title = Không thể dùng mã này
code_unknown_body = Mã bạn nhập không thuộc cuộc khảo sát nào đang nhận trả lời. Hãy kiểm tra lại mã trên thư.
code_used_body = Chúng tôi đã nhận câu trả lời bằng mã truy cập này. Mỗi người chỉ trả lời một lần. Cảm ơn bạn đã tham gia.
code_required_title = Cuộc khảo sát này được trả lời bằng mã truy cập
code_required_body = Hãy quét mã QR trên thư chúng tôi gửi đến nhà bạn, hoặc nhập mã truy cập in trên thư.
code_entry_link = Nhập mã truy cập
open_answer_note = Nếu bạn đã nhận được thư của chúng tôi, hãy trả lời bằng mã QR hoặc mã truy cập trên thư, để câu trả lời được tính vào nhóm người dân được chọn ngẫu nhiên.
too_many_attempts_title = Hãy thử lại sau
too_many_attempts_body = Đã có quá nhiều mã được nhập trong thời gian ngắn. Hãy đợi vài phút rồi nhập lại.

## Published results
results_title = { $title }: kết quả
results_lead = Kết quả khảo sát người dân về năm tầm nhìn của Chính sách số thành phố Suita, tính theo điểm từ 0 đến 100. Điểm càng cao nghĩa là càng nhiều người cảm thấy tầm nhìn đó đã được thực hiện.
results_chart_title = Điểm theo từng tầm nhìn (0–100)
results_table_caption = { $title }: điểm và số người trả lời theo từng tầm nhìn
results_change_caption = Thay đổi điểm giữa các cuộc khảo sát
results_vision = Tầm nhìn
results_respondents = Số người trả lời
results_score = Điểm
results_ci = Khoảng tin cậy 95%
results_top2 = Tỷ lệ trả lời tích cực
results_suppressed = Không công bố
results_meta = Số câu trả lời: { $responses } / Ngày công bố: { $date }
results_fewer_than = dưới { $min }
results_by_channel = {" "}(qua bưu điện { $paper }, trực tuyến { $online })
results_series = Khảo sát năm tài chính { $year }
results_chart_item = { $name }: { $figures }.
results_method_title = Cách tính các con số
results_method_1 = Mỗi nhận định được trả lời theo thang năm mức, từ “1 Hoàn toàn không đồng ý” đến “5 Rất đồng ý”. “Không biết” và câu không trả lời không được tính.
results_method_2 = Với mỗi người trả lời, trung bình các câu trả lời cho các nhận định của một tầm nhìn được đổi thành điểm từ 0 đến 100: (trung bình − 1) ÷ 4 × 100. Điểm của tầm nhìn là trung bình điểm của những người trả lời. Người không trả lời nhận định nào của tầm nhìn thì không được tính cho tầm nhìn đó.
results_method_3 = Khoảng tin cậy 95% là khoảng mà điểm thực nhiều khả năng nằm trong đó, khi tính đến sai số của khảo sát. Tỷ lệ trả lời tích cực là tỷ lệ trả lời “Tương đối đồng ý” hoặc “Rất đồng ý” (trung bình theo người trả lời).
results_method_4 = Để không ai có thể đoán được câu trả lời của một người từ một nhóm nhỏ, các con số của tầm nhìn có dưới { $min } người trả lời không được công bố.
results_method_5 = Các con số không có trọng số và tính các câu trả lời nhận được đến lúc công bố; câu trả lời đến sau không được tính.
results_download_title = Dữ liệu mở
results_download = { $title }: điểm theo từng tầm nhìn (CSV, UTF-8)
results_change = Thay đổi (sau − trước) và khoảng tin cậy 95%
results_change_note = Thay đổi là điểm của cuộc khảo sát sau trừ điểm của cuộc khảo sát trước. ↑ (tăng) và ↓ (giảm) chỉ đánh dấu những thay đổi có ý nghĩa thống kê ở mức 5% theo kiểm định t của Welch (khoảng tin cậy 95% không chứa 0); các chênh lệch khác nằm trong sai số của khảo sát.
results_outline_title = Tổng quan khảo sát
results_outline_population = Đối tượng
results_outline_method = Phương pháp chọn mẫu
results_outline_mailed = Số thư đã gửi
results_outline_returned = Số phiếu thu về
results_outline_valid = Số phiếu trả lời hợp lệ
results_outline_rate = Tỷ lệ trả lời
results_outline_rate_value = { $rate }%
results_outline_rate_undeliverable = { $rate }% (không tính { $undeliverable } thư không đến được người nhận)
results_outline_period = Thời gian khảo sát
results_not_significant = không có ý nghĩa thống kê

## E-mail invitations and reminders
mail_invitation_subject = Thành phố Suita: xin mời tham gia khảo sát người dân về chính sách số
mail_reminder_subject = Nhắc nhở: khảo sát người dân của thành phố Suita về chính sách số
mail_invitation_lead = Thành phố Suita đang thực hiện “{ $title }” để lấy ý kiến người dân về việc thực hiện chính sách số. Rất mong bạn tham gia trả lời.
mail_reminder_lead = Chúng tôi gửi e-mail nhắc này về “{ $title }” đến những người được mời nhưng chưa trả lời. Rất mong bạn tham gia trả lời.
mail_link_label = Đường liên kết riêng của bạn (chỉ dùng để trả lời một lần):
mail_anonymity_1 = Câu trả lời được lưu ẩn danh: tên và địa chỉ e-mail của bạn không được lưu cùng câu trả lời.
mail_anonymity_2 = Đường liên kết chỉ dùng để bảo đảm mỗi người được mời trả lời một lần; không lưu thông tin nào nối câu trả lời với bạn.
mail_anonymity_3 = Địa chỉ e-mail của bạn sẽ bị xoá khi khảo sát kết thúc.
mail_opt_out_label = Nếu không muốn nhận e-mail nhắc, bạn có thể dừng tại đây:
mail_signature = Thành phố Suita
mail_bullet = - { $item }

## The evaluation of the visions
eval_title = Đánh giá các tầm nhìn
eval_lead = Với mỗi tầm nhìn của Chính sách số thành phố Suita (năm tài chính 2024–2028), kết quả khảo sát lần này được so sánh với giá trị cơ sở và mục tiêu của các chỉ số để xếp loại; bảng cũng nêu định hướng thành phố đã quyết định và các ý kiến chính của người dân. Cách đọc các mức xếp loại được giải thích bên dưới bảng.
eval_caption = { $title }: đánh giá các tầm nhìn
eval_col_vision = Tầm nhìn
eval_col_indicator = Chỉ số
eval_col_baseline = Giá trị cơ sở (nguồn)
eval_col_target = Mục tiêu
eval_col_value = Lần khảo sát này (KTC 95%)
eval_col_achievement = Mức đạt
eval_col_grade = Xếp loại
eval_col_direction = Định hướng
eval_col_opinions = Ý kiến chính của người dân
eval_target_by = { $target } (năm tài chính { $year })
eval_expected = Mức dự kiến đến nay: { $expected }
eval_ci_range = ({ $low }–{ $high })
eval_respondents = { $n } người trả lời
eval_direction_continue = Tiếp tục
eval_direction_improve = Cải thiện
eval_direction_review = Xem xét lại
eval_direction_none = Chưa quyết định
eval_legend_title = Cách đọc các mức xếp loại
eval_opinions_link = Ý kiến của người dân đã công bố: { $n }
eval_download = { $title }: đánh giá các tầm nhìn (CSV, UTF-8)
eval_measure_vision_score = Điểm của tầm nhìn
eval_measure_vision_top2 = Tỷ lệ câu trả lời tích cực
eval_measure_item_score = Điểm của “{ $item }”
eval_measure_item_top2 = Tỷ lệ đồng ý rằng “{ $item }”
eval_weighted_name = { $name } (hiệu chỉnh theo cơ cấu dân số)
eval_grade_s = S
eval_grade_a = A
eval_grade_b = B
eval_grade_c = C
eval_grade_steady = Đúng tiến độ
eval_grade_fair = Cơ bản đúng tiến độ
eval_grade_improve = Cần cải thiện
eval_grade_none = −
eval_rule_nagayo = Mức S–C (so với giá trị cơ sở): xét xem con số có thay đổi vượt quá biên độ đặt cho từng chỉ số (± một tỷ lệ phần trăm của giá trị cơ sở) hay không.
eval_legend_nagayo_s = S: đã đạt mục tiêu
eval_legend_nagayo_a = A: tăng vượt biên độ quanh giá trị cơ sở, nhưng chưa đạt mục tiêu
eval_legend_nagayo_b = B: nằm trong biên độ quanh giá trị cơ sở (không đổi)
eval_legend_nagayo_c = C: giảm vượt biên độ quanh giá trị cơ sở
eval_rule_progress = Đúng tiến độ / Cơ bản đúng tiến độ / Cần cải thiện (tiến độ tới mục tiêu): so sánh mức đạt (con số đã đi được bao xa từ giá trị cơ sở tới mục tiêu) với tỷ lệ dự kiến đến thời điểm này.
eval_legend_progress_steady = Đúng tiến độ: tiến độ từ 100% trở lên (như dự kiến hoặc tốt hơn)
eval_legend_progress_fair = Cơ bản đúng tiến độ: tiến độ từ 60% đến dưới 100%
eval_legend_progress_needs_improvement = Cần cải thiện: tiến độ dưới 60%
eval_rule_interval = Mức S–C (có tính đến sai số khảo sát): con số chỉ được coi là đã thay đổi khi khoảng tin cậy 95% của mức thay đổi so với giá trị cơ sở không chứa số 0.
eval_legend_interval_s = S: tăng có ý nghĩa thống kê và đã đạt mục tiêu
eval_legend_interval_a = A: tăng có ý nghĩa thống kê (chưa đạt mục tiêu)
eval_legend_interval_b = B: thay đổi nằm trong sai số khảo sát
eval_legend_interval_c = C: giảm có ý nghĩa thống kê
eval_legend_none = −: không đo được (quá ít người trả lời nên không công bố, không có giá trị cơ sở, …)
eval_reason_no_figure = Trong khảo sát này không ai trả lời các câu hỏi của chỉ số này.
eval_reason_suppressed = Có ít hơn { $min } người trả lời nên con số không được công bố.
eval_reason_no_weights = Không có số liệu dân số nên không thể tính con số đã hiệu chỉnh.
eval_reason_baseline_missing = Khảo sát làm giá trị cơ sở ({ $wave }) không có con số.
eval_reason_baseline_not_published = Kết quả của khảo sát làm giá trị cơ sở ({ $wave }) chưa được công bố.
eval_reason_baseline_suppressed = Khảo sát làm giá trị cơ sở ({ $wave }) có ít hơn { $min } người trả lời nên không thể so sánh.
eval_reason_is_baseline = Con số của khảo sát này là giá trị cơ sở; khảo sát lần sau sẽ được đánh giá dựa trên nó.
eval_reason_baseline_later = Khảo sát làm giá trị cơ sở diễn ra sau khảo sát này nên không thể đánh giá.
eval_reason_no_gap = Mục tiêu không cao hơn giá trị cơ sở nên không tính được mức đạt.
eval_reason_no_expected_share = Chưa đặt mức tiến độ dự kiến cho thời điểm này nên không xếp loại.
eval_reason_no_interval = Quá ít người trả lời hoặc các câu trả lời không khác nhau nên không tính được khoảng tin cậy 95% của mức thay đổi.
eval_reason_reached_target = Con số { $value } đã đạt mục tiêu { $target }.
eval_reason_above_band = Con số { $value } cao hơn biên độ ±{ $band }% quanh giá trị cơ sở { $baseline } ({ $low }–{ $high }) nhưng chưa đạt mục tiêu { $target }.
eval_reason_within_band = Con số { $value } nằm trong biên độ ±{ $band }% quanh giá trị cơ sở { $baseline } ({ $low }–{ $high }).
eval_reason_below_band = Con số { $value } thấp hơn biên độ ±{ $band }% quanh giá trị cơ sở { $baseline } ({ $low }–{ $high }).
eval_reason_steady = Mức đạt { $achievement } so với { $expected } dự kiến đến nay: tiến độ { $progress } (từ 100% trở lên).
eval_reason_fair = Mức đạt { $achievement } so với { $expected } dự kiến đến nay: tiến độ { $progress } (từ 60% đến dưới 100%).
eval_reason_improve = Mức đạt { $achievement } so với { $expected } dự kiến đến nay: tiến độ { $progress } (dưới 60%).
eval_reason_significant_reached = Mức thay đổi so với giá trị cơ sở, { $change } (KTC 95% { $ci_low } đến { $ci_high }), không chứa số 0, và đã đạt mục tiêu { $target }.
eval_reason_significant_up = Mức thay đổi so với giá trị cơ sở, { $change } (KTC 95% { $ci_low } đến { $ci_high }), không chứa số 0: tăng có ý nghĩa thống kê.
eval_reason_reached_not_significant = Con số { $value } đã đạt mục tiêu { $target }, nhưng mức thay đổi so với giá trị cơ sở, { $change } (KTC 95% { $ci_low } đến { $ci_high }), có chứa số 0: nằm trong sai số khảo sát.
eval_reason_no_significant_change = Mức thay đổi so với giá trị cơ sở, { $change } (KTC 95% { $ci_low } đến { $ci_high }), có chứa số 0: nằm trong sai số khảo sát.
eval_reason_significant_down = Mức thay đổi so với giá trị cơ sở, { $change } (KTC 95% { $ci_low } đến { $ci_high }), không chứa số 0: giảm có ý nghĩa thống kê.

## Bản tóm tắt báo cáo
summary_title = { $title }: Bản tóm tắt
summary_made_on = Ngày lập: { $date }
summary_internal = Tài liệu nội bộ (có số liệu chưa công bố; bản công khai được lập bằng --public)
summary_outline = Tổng quan khảo sát và kết quả thu hồi
summary_period = Thời gian khảo sát
summary_distributed = Số phiếu đã phát
summary_valid = Số phiếu hợp lệ
summary_rate = Tỷ lệ thu hồi
summary_channels = Cách trả lời
summary_channel = { $channel } { $n }
summary_channel_paper = qua bưu điện (giấy)
summary_channel_web = trực tuyến
summary_channel_email = qua thư mời e-mail
summary_channel_online = trực tuyến
summary_list_separator = { ", " }
summary_findings = Kết quả chính
summary_highest = Tầm nhìn có điểm cao nhất là “{ $vision }” ({ $score } điểm).
summary_lowest = Tầm nhìn có điểm thấp nhất là “{ $vision }” ({ $score } điểm).
summary_evaluation = Đánh giá theo từng tầm nhìn và định hướng sắp tới
summary_evaluation_none = Chưa có đánh giá theo mục tiêu.
summary_portfolio = Mức độ hài lòng và mức độ quan trọng (CS portfolio)
summary_free_text = Ý kiến tự do
summary_free_text_none = Khảo sát này không có câu hỏi ý kiến tự do.
summary_free_text_count = { $n } người đã viết
summary_more = Kết quả chi tiết có trong báo cáo (bản đầy đủ) và trang kết quả khảo sát trên trang web của thành phố.

# The postal letter (codes sheet): one line per language besides Japanese and English.
letter_other_language = Bạn cũng có thể trả lời khảo sát này bằng tiếng Việt: sau khi quét mã QR hoặc nhập mã truy cập, hãy chọn "Tiếng Việt" ở mục "Ngôn ngữ (Language)" trên trang.

# The public comments page (src/web/resident/comments.rs).
comments_link = Ý kiến người dân trong khảo sát này
comments_title = { $title }: ý kiến của người dân
comments_lead = Các ý kiến người dân viết trong phần tự do của khảo sát, đã được hai cán bộ thành phố xem xét và quyết định công bố, được sắp xếp theo chủ đề (mã). Thông tin cá nhân đã được che.
comments_anonymity = Không hiển thị bất kỳ thông tin nào về người viết (độ tuổi, khu vực, giới tính, ngày trả lời) bên cạnh ý kiến. Thứ tự theo nội dung văn bản, không theo thứ tự nhận được.
comments_other = Khác
comments_summary_mark = [Tóm tắt của thành phố]
comments_none = Chưa có ý kiến nào được công bố.
comments_back = Quay lại trang kết quả
comments_code_count = Ý kiến về chủ đề này: { $n }
comments_code_count_hidden = Ý kiến về chủ đề này: ít hơn { $min } (không công bố số lượng)
