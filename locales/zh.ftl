# 简体中文. Same messages as ja.ftl. Translated from the Japanese; not yet reviewed by a
# native speaker (see docs/methods.md, "Survey definitions").

## Language metadata and page frame
site_name = 吹田市数字化政策 市民问卷调查
skip_to_content = 跳到正文
language_switch = 语言（Language）
furigana_on = 显示注音假名
furigana_off = 隐藏注音假名

## Start page
index_title = 市民问卷调查
index_lead = 吹田市正在就数字化政策的实施情况征求市民意见。回答是匿名的。
no_waves = 目前没有计划中的问卷调查。
status_open = 正在受理
status_upcoming = 尚未开始
status_closed = 已截止
answer_link = 开始回答
results_link = 查看结果

## The form
anonymity_note = 本问卷为匿名调查。我们不会询问您的姓名、住址或电子邮件地址。
required = 必答
submit = 提交回答
error_prefix = 错误：
error_summary_title = 请检查您的回答
choose_all = 请选择所有符合的选项。
scale_1 = 完全不同意
scale_2 = 不太同意
scale_3 = 说不清同意还是不同意
scale_4 = 比较同意
scale_5 = 非常同意
dont_know = 不知道
importance_1 = 完全不重要
importance_2 = 不太重要
importance_3 = 说不清
importance_4 = 比较重要
importance_5 = 非常重要
question_number = 问题{ $n }
numbered_problem = { $number }：{ $problem }
only_if = 仅在问题{ $question }中回答“{ $answer }”的人回答。
max_choices = 最多选择{ $max }项。
max_length = 请在{ $max }字以内填写。
number_range = 请填写{ $min }至{ $max }之间的整数。
number_range_unit = 请填写{ $min }至{ $max }{ $unit }之间的整数。

## Problems with an answer
problem_required = 请回答这个问题。
problem_not_an_option = 请从选项中选择。
problem_too_many_choices = 最多只能选择{ $max }项，请减少选择。
problem_too_long = 请在{ $max }字以内填写（目前{ $length }字）。
problem_not_a_number = 请只填写数字（例如：3）。
problem_out_of_range = 请填写{ $min }至{ $max }之间的数字。
problem_unknown_field = 此页面是从旧版表单提交的。请确认下面的回答，然后重新提交。
problem_missing_key = 表单已过期。您的回答仍保留在下面，请确认后重新提交。
problem_control_character = 回答中含有无法保存的控制字符（如 NUL）。请删除该字符后重新提交。换行和制表符可以使用。
problem_not_utf8 = 回答中含有乱码字符（�）。请重新输入该部分，然后再次提交。

## Dates
date = { $year }年{ $month }月{ $day }日
period = 回答期间：{ $opens } 至 { $closes }
opens_on = 从{ $date }起可以回答。
closed_on = 已于{ $date }截止受理。

## After answering, and pages that say why not
thanks_title = 感谢您的回答
thanks_body = 您的回答已匿名保存。您的意见将用于评估和改进吹田市的数字化政策。
back_to_top = 返回首页
back_to_form = 返回问卷
closed_title = 本问卷已截止受理
upcoming_title = 本问卷尚未开始受理
not_stored = 此回答未被保存。
not_found_title = 找不到页面
not_found_body = 请确认网址。首页列有所有问卷调查。
too_large_title = 提交的内容过大
too_large_body = 您的回答未被保存。请使用浏览器的“返回”回到回答页面，缩短自由填写的内容后重新提交。
unavailable_title = 目前无法保存回答
unavailable_body = 您的回答尚未保存。填写的内容仍保留在此页面上，请稍等片刻后重新提交。
internal_title = 发生了错误
internal_body = 非常抱歉，您的回答未被保存。请稍后再试。
bad_request_title = 无法读取此网址或提交的内容
bad_request_body = 没有保存任何内容。请确认网址是否正确，或从首页重新打开。
timeout_title = 提交耗时过长
timeout_body = 您的回答未被保存。请使用浏览器的“返回”回到回答页面，在网络状况良好的地方重新提交。

## Invitations
invitation_only_title = 本问卷仅限受邀者回答
invitation_only_body = 请通过电子邮件中发送给您的专用链接回答。
invalid_link_title = 此链接无法使用
invalid_link_body = 链接不正确，或已在问卷结束后删除。请直接使用电子邮件中的链接。
already_answered_title = 您已经回答过了
already_answered_body = 已经收到通过此链接提交的回答。每人只能回答一次。感谢您的协助。
opt_out_title = 要停止提醒邮件吗？
opt_out_body = 今后将不再向您发送有关本问卷的提醒邮件。您仍然可以回答。
opt_out_button = 停止提醒邮件
opted_out_title = 已停止提醒邮件
opted_out_body = 今后将不再向您发送有关本问卷的邮件。

## Access codes of postal waves
code_entry_title = 输入访问码
code_entry_lead = 请输入邮寄给您的通知信上印有的16位访问码。连字符（-）和空格可输可不输。小写字母和全角字符也可以识别。
code_label = 访问码
code_hint = 例如：ABCD-EFGH-JKMN-PQRS（不使用数字0、1和字母O、I、L）
code_submit = 开始回答
code_empty = 请输入访问码。
code_length = 访问码为16位。请按照通知信上的内容输入。
code_check = 请检查访问码，似乎有字符不正确（不使用0、1、O、I、L）。
code_unknown_title = 此访问码无法使用
code_unknown_body = 您输入的访问码不属于正在受理的问卷。请再次确认通知信上的访问码。
code_used_body = 已经收到使用此访问码提交的回答。每人只能回答一次。感谢您的协助。
code_required_title = 本问卷需使用访问码回答
code_required_body = 请扫描邮寄到您家的通知信上的二维码，或输入通知信上印有的访问码。
code_entry_link = 输入访问码
open_answer_note = 收到通知信的人，请通过通知信上的二维码或访问码回答。这样您的回答才能作为随机抽选者的回答进行统计。
too_many_attempts_title = 请稍后再试
too_many_attempts_body = 短时间内输入了过多的访问码。请等待几分钟后再输入。

## Published results
results_title = { $title }的结果
results_lead = 以0至100分显示市民问卷调查中吹田市数字化政策五个愿景的结果。分数越高，表示认为该愿景已经实现的人越多。
results_chart_title = 各愿景的分数（0至100）
results_table_caption = { $title }：各愿景的分数和回答人数
results_change_caption = 两次调查之间分数的变化
results_vision = 愿景
results_respondents = 回答人数
results_score = 分数
results_ci = 95%置信区间
results_top2 = 肯定回答的比例
results_suppressed = 不公开
results_meta = 回答数：{ $responses }／公布日期：{ $date }
results_fewer_than = 少于{ $min }份
results_by_channel = （其中邮寄 { $paper }，网上 { $online }）
results_series = { $year }年度调查
results_chart_item = { $name }：{ $figures }。
results_method_title = 统计方法
results_method_1 = 每项陈述按“1 完全不同意”至“5 非常同意”五个等级回答。“不知道”和未回答不计入计算。
results_method_2 = 对每位回答者，将其对该愿景各项陈述回答的平均值换算为0至100分，计算公式为 (平均值 − 1) ÷ 4 × 100。愿景的分数是这些回答者分数的平均值。对该愿景的陈述一项都没有回答的人不计入该愿景的回答人数。
results_method_3 = 95%置信区间是考虑调查误差时真实分数大致所在的范围。肯定回答的比例是回答“比较同意”或“非常同意”的比例（各回答者比例的平均值）。
results_method_4 = 为防止从少数人的数据推测出个人的回答，回答人数少于{ $min }人的愿景不公开数值，显示为“不公开”。
results_method_5 = 数值是对公布时收到的回答未加权统计的结果，不包括公布后收到的回答。
results_download_title = 开放数据
results_download = { $title }：各愿景的分数（CSV，UTF-8）
results_change = 变化（后 − 前）和95%置信区间
results_change_note = 变化是后一次调查的分数减去前一次调查的分数。↑（上升）和↓（下降）只标在经Welch t检验在5%水平上具有统计显著性的变化上（95%置信区间不包含0）。其他差异在调查误差范围之内。
results_outline_title = 调查概要
results_outline_population = 调查对象
results_outline_method = 抽样方法
results_outline_mailed = 发放数
results_outline_returned = 回收数
results_outline_valid = 有效回收数
results_outline_rate = 回收率
results_outline_rate_value = { $rate }%
results_outline_rate_undeliverable = { $rate }%（不含无法投递的 { $undeliverable } 封）
results_outline_period = 调查期间
results_not_significant = 无显著差异

## E-mail invitations and reminders
mail_invitation_subject = 【吹田市】请协助参加关于数字化政策的市民问卷调查
mail_reminder_subject = 【吹田市】市民问卷调查回答提醒
mail_invitation_lead = 为了听取市民对数字化政策实施情况的意见，吹田市正在开展“{ $title }”。恳请您协助回答。
mail_reminder_lead = 此邮件发送给尚未回答前些日子通知的“{ $title }”的人。恳请您协助回答。
mail_link_label = 请从这里回答（这是您的专用链接，只能回答一次）：
mail_anonymity_1 = 您的回答将匿名保存。您的姓名和电子邮件地址不会与回答一起保存。
mail_anonymity_2 = 此链接仅用于确保每人只回答一次。不会留下任何将回答内容与您联系起来的信息。
mail_anonymity_3 = 问卷结束后，我们将删除您的电子邮件地址。
mail_opt_out_label = 不需要提醒邮件的人，可以在这里停止：
mail_signature = 吹田市
mail_bullet = ・{ $item }

## The evaluation of the visions
eval_title = 各愿景的评估
eval_lead = 针对吹田市数字化政策（2024〜2028年度）的每个愿景，将本次调查结果与指标的基准值和目标值进行比较并作出判定，同时汇总了市政府今后的方向和市民的主要意见。判定的解读方法见表格下方。
eval_caption = { $title }：各愿景的评估
eval_col_vision = 愿景
eval_col_indicator = 指标
eval_col_baseline = 基准值（出处）
eval_col_target = 目标值
eval_col_value = 本次数值（95%置信区间）
eval_col_achievement = 达成率
eval_col_grade = 判定
eval_col_direction = 方向
eval_col_opinions = 市民的主要意见
eval_target_by = { $target }（{ $year }年度）
eval_expected = 此时点的预期：{ $expected }
eval_ci_range = （{ $low }〜{ $high }）
eval_respondents = 回答者 { $n }人
eval_direction_continue = 继续
eval_direction_improve = 改进
eval_direction_review = 重新审视
eval_direction_none = 未定
eval_legend_title = 判定的解读方法
eval_opinions_link = 已公开的市民意见：{ $n } 条
eval_download = { $title }：各愿景的评估（CSV、UTF-8）
eval_measure_vision_score = 愿景的分数
eval_measure_vision_top2 = 肯定回答的比例
eval_measure_item_score = “{ $item }”的分数
eval_measure_item_top2 = 对“{ $item }”作出肯定回答的比例
eval_weighted_name = { $name }（按人口结构加权）
eval_grade_s = S
eval_grade_a = A
eval_grade_b = B
eval_grade_c = C
eval_grade_steady = 稳步推进
eval_grade_fair = 基本顺利
eval_grade_improve = 需要改进
eval_grade_none = −
eval_rule_nagayo = 判定S〜C（与基准值比较）：根据数值是否超出为每个指标设定的幅度（基准值的±○%）来判定。
eval_legend_nagayo_s = S：达到了目标值
eval_legend_nagayo_a = A：未达到目标值，但超出基准值的幅度而上升
eval_legend_nagayo_b = B：在基准值的幅度之内（持平）
eval_legend_nagayo_c = C：超出基准值的幅度而下降
eval_rule_progress = 稳步推进・基本顺利・需要改进（向目标的推进程度）：将达成率（从基准值到目标值之间推进了多少）与此时点预期的比例进行比较，按“进度”判定。
eval_legend_progress_steady = 稳步推进：进度在100%以上（符合或超过预期）
eval_legend_progress_fair = 基本顺利：进度在60%以上、未满100%
eval_legend_progress_needs_improvement = 需要改进：进度未满60%
eval_rule_interval = 判定S〜C（考虑调查误差的判定）：只有当相对基准值的变化的95%置信区间不包含0时，才判定为“发生了变化”。
eval_legend_interval_s = S：在统计上显著上升，并且达到了目标值
eval_legend_interval_a = A：在统计上显著上升（未达到目标值）
eval_legend_interval_b = B：变化在调查误差范围之内
eval_legend_interval_c = C：在统计上显著下降
eval_legend_none = −：无法测定（回答者过少而未公开数值、没有基准值等）
eval_reason_no_figure = 本次调查中没有人回答该指标的问题。
eval_reason_suppressed = 回答者不足{ $min }人，因此不公开数值。
eval_reason_no_weights = 由于没有人口数据，无法计算按人口结构加权的数值。
eval_reason_baseline_missing = 作为基准值的{ $wave }没有数值。
eval_reason_baseline_not_published = 作为基准值的{ $wave }的结果尚未公布。
eval_reason_baseline_suppressed = 作为基准值的{ $wave }的回答者不足{ $min }人，无法比较。
eval_reason_is_baseline = 本次调查的数值就是基准值，将在下次调查中进行评估。
eval_reason_baseline_later = 基准值的调查在本次调查之后进行，无法评估。
eval_reason_no_gap = 目标值没有高于基准值，因此无法计算达成率。
eval_reason_no_expected_share = 没有规定此时点预期的推进程度，因此无法判定。
eval_reason_no_interval = 由于回答者过少或回答没有差异，无法计算变化的95%置信区间。
eval_reason_reached_target = 本次数值{ $value }达到了目标值{ $target }。
eval_reason_above_band = 本次数值{ $value }高于基准值{ $baseline }的±{ $band }%（{ $low }〜{ $high }），但未达到目标值{ $target }。
eval_reason_within_band = 本次数值{ $value }在基准值{ $baseline }的±{ $band }%（{ $low }〜{ $high }）范围之内。
eval_reason_below_band = 本次数值{ $value }低于基准值{ $baseline }的±{ $band }%（{ $low }〜{ $high }）。
eval_reason_steady = 达成率{ $achievement }，相对于此时点预期的{ $expected }，进度为{ $progress }（100%以上）。
eval_reason_fair = 达成率{ $achievement }，相对于此时点预期的{ $expected }，进度为{ $progress }（60%以上、未满100%）。
eval_reason_improve = 达成率{ $achievement }，相对于此时点预期的{ $expected }，进度为{ $progress }（未满60%）。
eval_reason_significant_reached = 相对基准值的变化{ $change }（95%置信区间 { $ci_low }〜{ $ci_high }）不包含0，并且达到了目标值{ $target }。
eval_reason_significant_up = 相对基准值的变化{ $change }（95%置信区间 { $ci_low }〜{ $ci_high }）不包含0，在统计上显著上升。
eval_reason_reached_not_significant = 本次数值{ $value }达到了目标值{ $target }，但相对基准值的变化{ $change }（95%置信区间 { $ci_low }〜{ $ci_high }）包含0，在调查误差范围之内。
eval_reason_no_significant_change = 相对基准值的变化{ $change }（95%置信区间 { $ci_low }〜{ $ci_high }）包含0，在调查误差范围之内。
eval_reason_significant_down = 相对基准值的变化{ $change }（95%置信区间 { $ci_low }〜{ $ci_high }）不包含0，在统计上显著下降。

## 报告摘要
summary_title = { $title } 摘要
summary_made_on = 制作日期：{ $date }
summary_internal = 内部资料（包含公布前的数值。公开用摘要请用 --public 制作）
summary_outline = 调查概要与回收结果
summary_period = 调查期间
summary_distributed = 发放数
summary_valid = 有效回收数
summary_rate = 有效回收率
summary_channels = 回答方式
summary_channel = { $channel } { $n }份
summary_channel_paper = 邮寄（纸质）
summary_channel_web = 网上
summary_channel_email = 通过电子邮件邀请
summary_channel_online = 网上
summary_list_separator = 、
summary_findings = 主要结果
summary_highest = 得分最高的愿景是“{ $vision }”（{ $score }分）。
summary_lowest = 得分最低的愿景是“{ $vision }”（{ $score }分）。
summary_evaluation = 各愿景的评估与今后的方向
summary_evaluation_none = 尚无按目标值进行的评估。
summary_portfolio = 满意度与重要度（CS组合分析）
summary_free_text = 自由填写
summary_free_text_none = 本调查没有自由填写的问题。
summary_free_text_count = { $n }人填写
summary_more = 详细结果请参阅报告书（正文）和市政府网站的调查结果页面。

# The postal letter (codes sheet): one line per language besides Japanese and English.
letter_other_language = 本调查也可以用中文回答：扫描二维码或输入访问码后，在页面的“语言（Language）”中选择“简体中文”。

# The public comments page (src/web/resident/comments.rs).
comments_link = 本次调查收到的市民意见
comments_title = { $title }：市民意见
comments_lead = 在问卷自由填写栏中收到的意见里，经两名市职员审核并决定公开的部分，按主题（编码）分类刊登。个人信息已隐去。
comments_anonymity = 意见旁不显示填写者的年龄段、地区、性别、回答日期等任何信息。排列顺序按文字顺序，与回答顺序无关。
comments_other = 其他
comments_summary_mark = ［市政府的摘要］
comments_none = 目前尚无公开的意见。
comments_back = 返回结果页面
comments_code_count = 此主题的意见：{ $n } 条
comments_code_count_hidden = 此主题的意见：少于 { $min } 条，不公开数量
