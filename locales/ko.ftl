# 한국어. Same messages as ja.ftl. Translated from the Japanese; not yet reviewed by a
# native speaker (see docs/methods.md, "Survey definitions").

## Language metadata and page frame
site_name = 스이타시 디지털 정책 시민 설문조사
skip_to_content = 본문으로 이동
language_switch = 언어(Language)
furigana_on = 후리가나 표시
furigana_off = 후리가나 숨기기

## Start page
index_title = 시민 설문조사
index_lead = 스이타시는 디지털 정책의 추진 상황에 대해 시민 여러분의 의견을 듣고 있습니다. 응답은 익명입니다.
no_waves = 현재 예정된 설문조사가 없습니다.
status_open = 접수 중
status_upcoming = 접수 전
status_closed = 접수 종료
answer_link = 응답하기
results_link = 결과 보기

## The form
anonymity_note = 이 설문조사는 익명입니다. 이름, 주소, 이메일 주소는 묻지 않습니다.
required = 필수
submit = 응답 보내기
error_prefix = 오류:{" "}
error_summary_title = 입력 내용을 확인해 주십시오
choose_all = 해당하는 것을 모두 선택해 주십시오.
scale_1 = 전혀 그렇지 않다
scale_2 = 별로 그렇지 않다
scale_3 = 어느 쪽이라고도 할 수 없다
scale_4 = 다소 그렇다
scale_5 = 매우 그렇다
dont_know = 모르겠다
importance_1 = 전혀 중요하지 않다
importance_2 = 별로 중요하지 않다
importance_3 = 어느 쪽도 아니다
importance_4 = 다소 중요하다
importance_5 = 매우 중요하다
question_number = 문{ $n }
numbered_problem = { $number }: { $problem }
only_if = 문{ $question }에서 “{ $answer }”(이)라고 답한 분만 응답해 주십시오.
max_choices = { $max }개까지 선택해 주십시오.
max_length = { $max }자 이내로 적어 주십시오.
number_range = { $min }~{ $max } 사이의 숫자로 적어 주십시오.
number_range_unit = { $min }~{ $max }{ $unit } 사이의 숫자로 적어 주십시오.

## Problems with an answer
problem_required = 이 질문에 응답해 주십시오.
problem_not_an_option = 선택지 중에서 골라 주십시오.
problem_too_many_choices = { $max }개까지만 선택할 수 있습니다. 선택을 줄여 주십시오.
problem_too_long = { $max }자 이내로 적어 주십시오(현재 { $length }자).
problem_not_a_number = 숫자로만 적어 주십시오(예: 3).
problem_out_of_range = { $min }부터 { $max }까지의 숫자로 적어 주십시오.
problem_unknown_field = 이 페이지는 이전 버전의 양식에서 보내졌습니다. 아래 응답을 확인하고 다시 보내 주십시오.
problem_missing_key = 양식의 유효 기간이 지났습니다. 응답은 아래에 그대로 남아 있으니 확인한 후 다시 보내 주십시오.
problem_control_character = 저장할 수 없는 제어 문자(NUL 등)가 포함되어 있습니다. 그 문자를 지운 후 다시 보내 주십시오. 줄바꿈과 탭은 사용할 수 있습니다.
problem_not_utf8 = 깨진 문자(�)가 포함되어 있습니다. 그 부분을 다시 입력한 후 다시 보내 주십시오.

## Dates
date = { $year }년 { $month }월 { $day }일
period = 응답 기간: { $opens } ~ { $closes }
opens_on = { $date }부터 응답할 수 있습니다.
closed_on = { $date }에 접수를 마감했습니다.

## After answering, and pages that say why not
thanks_title = 응답해 주셔서 감사합니다
thanks_body = 응답은 익명으로 저장되었습니다. 보내 주신 의견은 스이타시 디지털 정책의 평가와 재검토에 활용합니다.
back_to_top = 첫 페이지로 돌아가기
back_to_form = 설문조사로 돌아가기
closed_title = 이 설문조사는 접수가 종료되었습니다
upcoming_title = 이 설문조사는 아직 접수 전입니다
not_stored = 이 응답은 저장되지 않았습니다.
not_found_title = 페이지를 찾을 수 없습니다
not_found_body = 주소를 확인해 주십시오. 설문조사 목록은 첫 페이지에서 볼 수 있습니다.
too_large_title = 보낸 내용이 너무 큽니다
too_large_body = 응답은 저장되지 않았습니다. 브라우저의 ‘뒤로’ 버튼으로 응답 화면으로 돌아가 자유 기술을 줄인 후 다시 보내 주십시오.
unavailable_title = 지금은 응답을 저장할 수 없습니다
unavailable_body = 응답은 아직 저장되지 않았습니다. 입력 내용은 이 화면에 남아 있으니 잠시 후 다시 보내 주십시오.
internal_title = 오류가 발생했습니다
internal_body = 죄송합니다. 응답은 저장되지 않았습니다. 잠시 후 다시 시도해 주십시오.
bad_request_title = 이 주소 또는 보낸 내용을 읽을 수 없습니다
bad_request_body = 아무것도 저장되지 않았습니다. 주소가 맞는지 확인하거나 첫 페이지에서 다시 열어 주십시오.
timeout_title = 보내는 데 시간이 너무 오래 걸렸습니다
timeout_body = 응답은 저장되지 않았습니다. 브라우저의 ‘뒤로’ 버튼으로 응답 화면으로 돌아가 통신 상태가 좋은 곳에서 다시 보내 주십시오.

## Invitations
invitation_only_title = 이 설문조사는 초대받은 분만 응답할 수 있습니다
invitation_only_body = 이메일로 보내 드린 본인 전용 링크에서 응답해 주십시오.
invalid_link_title = 이 링크는 사용할 수 없습니다
invalid_link_body = 링크가 올바르지 않거나 설문조사 종료 후 삭제되었습니다. 이메일에 적힌 링크를 그대로 사용해 주십시오.
already_answered_title = 이미 응답하셨습니다
already_answered_body = 이 링크로 보낸 응답은 이미 접수되었습니다. 응답은 한 분당 1회입니다. 협조해 주셔서 감사합니다.
opt_out_title = 응답 요청(리마인드) 메일을 중지하시겠습니까
opt_out_body = 이 설문조사에 대한 응답 요청(리마인드) 메일을 앞으로 보내지 않습니다. 응답은 계속 할 수 있습니다.
opt_out_button = 리마인드 메일 중지
opted_out_title = 리마인드 메일을 중지했습니다
opted_out_body = 이 설문조사에 대해 앞으로 메일을 보내지 않습니다.

## Access codes of postal waves
code_entry_title = 액세스 코드 입력
code_entry_lead = 우편으로 보내 드린 안내문에 인쇄된 16자리 액세스 코드를 입력해 주십시오. 하이픈(-)이나 공백은 넣어도 되고 넣지 않아도 됩니다. 소문자나 전각 문자도 읽을 수 있습니다.
code_label = 액세스 코드
code_hint = 예: ABCD-EFGH-JKMN-PQRS(숫자 0·1, 영문자 O·I·L은 사용하지 않습니다)
code_submit = 응답 시작
code_empty = 액세스 코드를 입력해 주십시오.
code_length = 액세스 코드는 16자리입니다. 안내문에 적힌 대로 입력해 주십시오.
code_check = 코드를 확인해 주십시오. 어딘가의 문자가 틀린 것 같습니다(0·1·O·I·L은 사용하지 않습니다).
code_unknown_title = 이 코드는 사용할 수 없습니다
code_unknown_body = 입력하신 코드는 접수 중인 설문조사의 코드가 아닙니다. 안내문의 코드를 다시 확인해 주십시오.
code_used_body = 이 액세스 코드로 보낸 응답은 이미 접수되었습니다. 응답은 한 분당 1회입니다. 협조해 주셔서 감사합니다.
code_required_title = 이 설문조사는 액세스 코드로 응답합니다
code_required_body = 댁으로 보내 드린 안내문의 QR 코드를 읽거나 안내문에 인쇄된 액세스 코드를 입력해 주십시오.
code_entry_link = 액세스 코드 입력하기
open_answer_note = 안내문을 받으신 분은 안내문의 QR 코드 또는 액세스 코드로 응답해 주십시오. 무작위로 선정된 분의 응답으로 집계하기 위해서입니다.
too_many_attempts_title = 잠시 후 다시 시도해 주십시오
too_many_attempts_body = 짧은 시간에 많은 코드가 입력되었습니다. 몇 분 기다린 후 다시 입력해 주십시오.

## Published results
results_title = { $title } 결과
results_lead = 스이타시 디지털 정책의 5가지 비전에 대한 시민 설문조사 결과를 0~100점으로 나타냅니다. 점수가 높을수록 그 비전이 실현되었다고 느끼는 분이 많다는 뜻입니다.
results_chart_title = 비전별 점수(0~100)
results_table_caption = { $title }: 비전별 점수와 응답자 수
results_change_caption = 조사 간 점수 변화
results_vision = 비전
results_respondents = 응답자 수
results_score = 점수
results_ci = 95% 신뢰구간
results_top2 = 긍정적 응답 비율
results_suppressed = 비공개
results_meta = 응답 수: { $responses } / 공표일: { $date }
results_fewer_than = { $min }건 미만
results_by_channel = (우편 { $paper }, 인터넷 { $online })
results_series = { $year }년도 조사
results_chart_item = { $name }: { $figures }.
results_method_title = 집계 방법
results_method_1 = 각 문항에는 ‘1 전혀 그렇지 않다’부터 ‘5 매우 그렇다’까지 5단계로 응답해 주셨습니다. ‘모르겠다’와 무응답은 계산에 포함하지 않습니다.
results_method_2 = 응답자마다 그 비전의 문항에 대한 응답의 평균을 0~100점으로 환산합니다. 계산식은 (평균 − 1) ÷ 4 × 100입니다. 비전의 점수는 그 응답자들 점수의 평균입니다. 비전의 문항에 하나도 응답하지 않은 분은 그 비전의 응답자 수에 포함하지 않습니다.
results_method_3 = 95% 신뢰구간은 조사의 오차를 고려할 때 실제 점수가 대략 들어가는 범위입니다. 긍정적 응답 비율은 ‘다소 그렇다’, ‘매우 그렇다’라고 응답한 비율(응답자별 비율의 평균)입니다.
results_method_4 = 응답자가 적으면 개인의 응답이 추측될 우려가 있으므로, 응답자가 { $min }명 미만인 비전은 수치를 공표하지 않고 ‘비공개’로 표시합니다.
results_method_5 = 수치는 공표 시점의 응답을 가중치 없이 집계한 것입니다. 공표 후에 도착한 응답은 포함하지 않습니다.
results_download_title = 오픈 데이터
results_download = { $title }: 비전별 점수(CSV, UTF-8)
results_change = 변화(나중 − 이전)와 95% 신뢰구간
results_change_note = 변화는 나중 조사의 점수에서 이전 조사의 점수를 뺀 것입니다. ↑(상승)·↓(하락)는 Welch의 t검정에서 5% 수준으로 통계적으로 유의한 변화(95% 신뢰구간이 0을 포함하지 않음)에만 표시했습니다. 그 밖의 차이는 조사 오차의 범위 안에 있습니다.
results_outline_title = 조사 개요
results_outline_population = 조사 대상
results_outline_method = 표본 추출 방법
results_outline_mailed = 배포 수
results_outline_returned = 회수 수
results_outline_valid = 유효 회수 수
results_outline_rate = 회수율
results_outline_rate_value = { $rate }%
results_outline_rate_undeliverable = { $rate }%(수취인 불명 { $undeliverable }통 제외)
results_outline_period = 조사 기간
results_not_significant = 유의한 차이 없음

## E-mail invitations and reminders
mail_invitation_subject = [스이타시] 디지털 정책에 관한 시민 설문조사 협조 부탁
mail_reminder_subject = [스이타시] 시민 설문조사 응답 부탁(리마인드)
mail_invitation_lead = 스이타시는 디지털 정책의 추진 상황에 대해 시민 여러분의 의견을 듣기 위해 ‘{ $title }’을(를) 실시하고 있습니다. 협조를 부탁드립니다.
mail_reminder_lead = 얼마 전 안내해 드린 ‘{ $title }’에 아직 응답하지 않으신 분께 보내 드리고 있습니다. 꼭 협조해 주십시오.
mail_link_label = 여기에서 응답해 주십시오(본인 전용 링크이며 응답은 1회만 가능합니다):
mail_anonymity_1 = 응답은 익명으로 저장됩니다. 이름이나 이메일 주소는 응답과 함께 저장되지 않습니다.
mail_anonymity_2 = 이 링크는 한 분당 1회 응답으로 제한하기 위해서만 사용합니다. 응답 내용과 귀하를 연결하는 정보는 남지 않습니다.
mail_anonymity_3 = 설문조사가 끝나면 이메일 주소는 삭제합니다.
mail_opt_out_label = 리마인드 메일이 필요하지 않으신 분은 여기에서 중지할 수 있습니다:
mail_signature = 스이타시
mail_bullet = · { $item }

## The evaluation of the visions
eval_title = 비전 평가
eval_lead = 스이타시 디지털 정책(2024~2028년도)의 비전별로 지표의 기준값・목표값과 이번 조사 결과를 비교하여 판정하고, 시의 향후 방향성과 주요 시민 의견을 정리했습니다. 판정을 보는 방법은 표 아래에 있습니다.
eval_caption = { $title }: 비전 평가
eval_col_vision = 비전
eval_col_indicator = 지표
eval_col_baseline = 기준값(출처)
eval_col_target = 목표값
eval_col_value = 이번 값(95% 신뢰구간)
eval_col_achievement = 달성률
eval_col_grade = 판정
eval_col_direction = 방향성
eval_col_opinions = 주요 시민 의견
eval_target_by = { $target }({ $year }년도)
eval_expected = 이 시점의 예상: { $expected }
eval_ci_range = ({ $low }~{ $high })
eval_respondents = 응답자 { $n }명
eval_direction_continue = 계속
eval_direction_improve = 개선
eval_direction_review = 재검토
eval_direction_none = 미정
eval_legend_title = 판정 보는 법
eval_opinions_link = 공개된 시민 의견: { $n }건
eval_download = { $title }: 비전 평가(CSV, UTF-8)
eval_measure_vision_score = 비전 점수
eval_measure_vision_top2 = 긍정적인 응답의 비율
eval_measure_item_score = ‘{ $item }’의 점수
eval_measure_item_top2 = ‘{ $item }’에 긍정적으로 응답한 비율
eval_weighted_name = { $name }(인구 구성으로 보정)
eval_grade_s = S
eval_grade_a = A
eval_grade_b = B
eval_grade_c = C
eval_grade_steady = 착실
eval_grade_fair = 대체로 순조
eval_grade_improve = 개선 필요
eval_grade_none = −
eval_rule_nagayo = 판정 S~C(기준값과의 비교): 지표마다 정한 폭(기준값의 ±○%)을 넘어 변했는지로 판정합니다.
eval_legend_nagayo_s = S: 목표값에 도달했다
eval_legend_nagayo_a = A: 목표값에는 도달하지 않았지만 기준값의 폭을 넘어 올랐다
eval_legend_nagayo_b = B: 기준값의 폭 범위 안(보합)
eval_legend_nagayo_c = C: 기준값의 폭을 넘어 내려갔다
eval_rule_progress = 착실・대체로 순조・개선 필요(목표까지의 진척): 달성률(기준값에서 목표값까지 중 어디까지 나아갔는지)을 이 시점에 예상하는 비율과 비교한 ‘진척’으로 판정합니다.
eval_legend_progress_steady = 착실: 진척이 100% 이상(예상대로이거나 그 이상)
eval_legend_progress_fair = 대체로 순조: 진척이 60% 이상 100% 미만
eval_legend_progress_needs_improvement = 개선 필요: 진척이 60% 미만
eval_rule_interval = 판정 S~C(조사 오차를 고려한 판정): 기준값으로부터의 변화의 95% 신뢰구간이 0을 포함하지 않을 때만 ‘변했다’고 판정합니다.
eval_legend_interval_s = S: 통계적으로 유의하게 올랐고 목표값에도 도달했다
eval_legend_interval_a = A: 통계적으로 유의하게 올랐다(목표값 미달)
eval_legend_interval_b = B: 변화는 조사 오차 범위 안
eval_legend_interval_c = C: 통계적으로 유의하게 내려갔다
eval_legend_none = −: 측정할 수 없음(응답자가 적어 수치를 공표하지 않음, 기준값이 없음 등)
eval_reason_no_figure = 이번 조사에서 이 지표의 문항에 대한 응답이 없었습니다.
eval_reason_suppressed = 응답자가 { $min }명 미만이므로 수치를 공표하지 않습니다.
eval_reason_no_weights = 인구 데이터가 없어 인구 구성으로 보정한 수치를 계산할 수 없습니다.
eval_reason_baseline_missing = 기준값이 되는 { $wave }의 수치가 없습니다.
eval_reason_baseline_not_published = 기준값이 되는 { $wave }의 결과가 아직 공표되지 않았습니다.
eval_reason_baseline_suppressed = 기준값이 되는 { $wave }의 응답자가 { $min }명 미만이므로 비교할 수 없습니다.
eval_reason_is_baseline = 이번 조사의 수치가 기준값입니다. 다음 조사에서 평가합니다.
eval_reason_baseline_later = 기준값 조사가 이번 조사보다 나중이므로 평가할 수 없습니다.
eval_reason_no_gap = 목표값이 기준값보다 높지 않아 달성률을 계산할 수 없습니다.
eval_reason_no_expected_share = 이 시점에 예상하는 진척이 정해져 있지 않아 판정할 수 없습니다.
eval_reason_no_interval = 응답자가 적거나 응답에 차이가 없어 변화의 95% 신뢰구간을 계산할 수 없습니다.
eval_reason_reached_target = 이번 값 { $value }이(가) 목표값 { $target }에 도달했습니다.
eval_reason_above_band = 이번 값 { $value }은(는) 기준값 { $baseline }의 ±{ $band }%({ $low }~{ $high })를 넘었지만 목표값 { $target }에는 도달하지 않았습니다.
eval_reason_within_band = 이번 값 { $value }은(는) 기준값 { $baseline }의 ±{ $band }%({ $low }~{ $high }) 범위 안입니다.
eval_reason_below_band = 이번 값 { $value }은(는) 기준값 { $baseline }의 ±{ $band }%({ $low }~{ $high })를 밑돌았습니다.
eval_reason_steady = 달성률 { $achievement }은(는) 이 시점에 예상하는 { $expected }에 대해 진척 { $progress }(100% 이상)입니다.
eval_reason_fair = 달성률 { $achievement }은(는) 이 시점에 예상하는 { $expected }에 대해 진척 { $progress }(60% 이상 100% 미만)입니다.
eval_reason_improve = 달성률 { $achievement }은(는) 이 시점에 예상하는 { $expected }에 대해 진척 { $progress }(60% 미만)입니다.
eval_reason_significant_reached = 기준값으로부터의 변화 { $change }(95% 신뢰구간 { $ci_low }~{ $ci_high })는 0을 포함하지 않으며, 목표값 { $target }에도 도달했습니다.
eval_reason_significant_up = 기준값으로부터의 변화 { $change }(95% 신뢰구간 { $ci_low }~{ $ci_high })는 0을 포함하지 않으며, 통계적으로 유의하게 올랐습니다.
eval_reason_reached_not_significant = 이번 값 { $value }은(는) 목표값 { $target }에 도달했지만, 기준값으로부터의 변화 { $change }(95% 신뢰구간 { $ci_low }~{ $ci_high })는 0을 포함하여 조사 오차 범위 안입니다.
eval_reason_no_significant_change = 기준값으로부터의 변화 { $change }(95% 신뢰구간 { $ci_low }~{ $ci_high })는 0을 포함하여 조사 오차 범위 안입니다.
eval_reason_significant_down = 기준값으로부터의 변화 { $change }(95% 신뢰구간 { $ci_low }~{ $ci_high })는 0을 포함하지 않으며, 통계적으로 유의하게 내려갔습니다.

## 보고서 요약
summary_title = { $title } 요약판
summary_made_on = 작성일: { $date }
summary_internal = 내부 자료(공표 전 수치 포함. 공표용 요약은 --public으로 작성하십시오)
summary_outline = 조사 개요와 회수 결과
summary_period = 조사 기간
summary_distributed = 배포 수
summary_valid = 유효 회수 수
summary_rate = 유효 회수율
summary_channels = 응답 방법
summary_channel = { $channel } { $n }건
summary_channel_paper = 우편(종이)
summary_channel_web = 인터넷
summary_channel_email = 이메일 안내를 통해
summary_channel_online = 인터넷
summary_list_separator = { ", " }
summary_findings = 주요 결과
summary_highest = 점수가 가장 높은 비전은 ‘{ $vision }’({ $score }점)입니다.
summary_lowest = 점수가 가장 낮은 비전은 ‘{ $vision }’({ $score }점)입니다.
summary_evaluation = 비전별 평가와 향후 방향
summary_evaluation_none = 목표치에 따른 평가는 아직 없습니다.
summary_portfolio = 만족도와 중요도(CS 포트폴리오)
summary_free_text = 자유 기술
summary_free_text_none = 이 조사에는 자유 기술 문항이 없습니다.
summary_free_text_count = { $n }명이 작성
summary_more = 자세한 결과는 보고서(본편)와 시 홈페이지의 조사 결과 페이지를 참조하십시오.

# The postal letter (codes sheet): one line per language besides Japanese and English.
letter_other_language = 이 조사는 한국어로도 응답할 수 있습니다. QR 코드를 읽거나 액세스 코드를 입력한 뒤 화면의 "언어(Language)"에서 "한국어"를 선택하세요.

# The public comments page (src/web/resident/comments.rs).
comments_link = 이 조사에 접수된 시민 의견
comments_title = { $title }: 시민 의견
comments_lead = 설문의 자유 기술란에 보내 주신 의견 중 시 담당자 2명이 확인하고 공개를 결정한 것을 주제(코드)별로 게재합니다. 개인정보는 가렸습니다.
comments_anonymity = 의견 옆에 연령대, 지역, 성별, 응답일 등 작성자에 관한 정보는 일절 표시하지 않습니다. 게재 순서는 글의 순서이며 응답 순서와는 관계없습니다.
comments_other = 기타
comments_summary_mark = [시의 요지]
comments_none = 아직 공개된 의견이 없습니다.
comments_back = 결과 페이지로 돌아가기
comments_code_count = 이 주제의 의견: { $n }건
comments_code_count_hidden = 이 주제의 의견: { $min }건 미만이므로 건수 비공개
