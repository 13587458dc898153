# English. Same messages as ja.ftl; the scale points mean exactly what the Japanese ones mean.

## Language metadata and page frame
site_name = Suita City Digital Policy — Citizen Survey
skip_to_content = Skip to content
language_switch = Language
furigana_on = Show furigana
furigana_off = Hide furigana

## Start page
index_title = Citizen surveys
index_lead = Suita City asks residents how its digital policy is working. Your answers are anonymous.
no_waves = No surveys are scheduled at the moment.
status_open = Open
status_upcoming = Not open yet
status_closed = Closed
answer_link = Answer the survey
results_link = See the results

## The form
anonymity_note = This survey is anonymous. We do not ask for your name, address or e-mail address.
required = required
submit = Submit your answers
error_prefix = Error:{" "}
error_summary_title = There is a problem with your answers
choose_all = Choose all that apply.
scale_1 = Strongly disagree
scale_2 = Somewhat disagree
scale_3 = Neither agree nor disagree
scale_4 = Somewhat agree
scale_5 = Strongly agree
dont_know = Don't know
question_number = Question { $n }
numbered_problem = { $number }: { $problem }
only_if = Answer only if you answered “{ $answer }” to question { $question }.
max_choices = Choose up to { $max }.
max_length = Up to { $max } characters.
number_range = A whole number from { $min } to { $max }.
number_range_unit = A whole number from { $min } to { $max } { $unit }.

## Problems with an answer
problem_required = Answer this question.
problem_not_an_option = Choose one of the options shown.
problem_too_many_choices = Choose no more than { $max } options.
problem_too_long = Use { $max } characters or fewer (you used { $length }).
problem_not_a_number = Enter a whole number, such as 3.
problem_out_of_range = Enter a number from { $min } to { $max }.
problem_unknown_field = This page was sent from an older version of the form. Check your answers below and submit again.
problem_missing_key = The form had expired. Your answers are kept below: check them and submit again.
problem_control_character = This answer contains a control character (such as NUL) that cannot be stored. Remove it and submit again; line breaks and tabs are fine.
problem_not_utf8 = This answer contains garbled characters (�), for example text that was not sent as UTF-8. Type that part again and submit again.

## Dates
date = { $day } { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
} { $year }
period = Survey period: { $opens } – { $closes }
opens_on = It opens on { $date }.
closed_on = It closed on { $date }.

## After answering, and pages that say why not
thanks_title = Thank you for your answers
thanks_body = Your answers have been stored anonymously. They will be used to evaluate and improve Suita City's digital policy.
back_to_top = Back to the start page
back_to_form = Back to the survey
closed_title = This survey is closed
upcoming_title = This survey is not open yet
not_stored = Your answers were not stored.
not_found_title = Page not found
not_found_body = Check the address. The start page lists the surveys.
too_large_title = Your answers are too large to send
too_large_body = Your answers were not stored. Use your browser's Back button to return to the form, shorten your written answers and submit again.
unavailable_title = Your answers cannot be stored right now
unavailable_body = Your answers have not been stored yet. They are still on this page: please wait a moment and submit again.
internal_title = Something went wrong
internal_body = Sorry, your answers were not stored. Please try again later.
bad_request_title = This address or request cannot be read
bad_request_body = Nothing was stored. Check the address, or open the page again from the start page.
timeout_title = Sending took too long
timeout_body = Your answers were not stored. Use your browser's Back button to return to the form and submit again where the connection is better.

## Invitations
invitation_only_title = This survey is by invitation only
invitation_only_body = Please answer through the personal link in the e-mail you received.
invalid_link_title = This link cannot be used
invalid_link_body = The link is not valid, or it was deleted after the survey closed. Use the link in your e-mail exactly as it is.
already_answered_title = You have already answered
already_answered_body = An answer has already been received through this link; each invitee answers once. Thank you for taking part.
opt_out_title = Stop reminders?
opt_out_body = We will not send you any more reminders about this survey. You can still answer.
opt_out_button = Stop reminders
opted_out_title = Reminders stopped
opted_out_body = We will not send you any more messages about this survey.

## Access codes of postal waves
code_entry_title = Enter your access code
code_entry_lead = Type the 16-character access code printed on the letter we posted to you. Hyphens and spaces are optional; lower case and full-width characters are read too.
code_label = Access code
code_hint = For example ABCD-EFGH-JKMN-PQRS (the code never uses 0, 1, O, I or L).
code_submit = Start answering
code_empty = Please type your access code.
code_length = The access code has 16 characters: please type it as printed on the letter.
code_check = Please check the code: a character seems to be wrong (the code never uses 0, 1, O, I or L).
code_unknown_title = This code cannot be used
code_unknown_body = The code is not one of an open survey's codes. Please check the code on your letter again.
code_used_body = An answer has already been received with this access code; each person answers once. Thank you for taking part.
code_required_title = This survey is answered with an access code
code_required_body = Scan the QR code on the letter we posted to you, or type the access code printed on it.
code_entry_link = Enter the access code
open_answer_note = If you received a letter from us, please answer with its QR code or access code, so that your answer counts among the randomly chosen residents.
too_many_attempts_title = Please try again later
too_many_attempts_body = Too many codes were tried in a short time. Please wait a few minutes and try again.

## Published results
results_title = { $title }: results
results_lead = The results of the citizen survey for the five visions of Suita City's Digital Policy, as scores from 0 to 100. A higher score means more residents feel the vision has been realised.
results_chart_title = Scores per vision (0–100)
results_table_caption = { $title }: scores and respondents per vision
results_change_caption = Change in scores between the surveys
results_vision = Vision
results_respondents = Respondents
results_score = Score
results_ci = 95% confidence interval
results_top2 = Share agreeing
results_suppressed = Not published
results_meta = Responses: { $responses } / Published on: { $date }
results_fewer_than = fewer than { $min }
results_by_channel = {" "}(by post { $paper }, online { $online })
results_series = FY{ $year } survey
results_chart_item = { $name }: { $figures }.
results_method_title = How the figures are computed
results_method_1 = Each statement was answered on a five-point scale from "1 Strongly disagree" to "5 Strongly agree". "Don't know" and unanswered statements are left out.
results_method_2 = For each respondent, the mean of their answers to a vision's statements is turned into a score from 0 to 100: (mean − 1) ÷ 4 × 100. A vision's score is the mean of its respondents' scores. Residents who answered none of a vision's statements are not counted for it.
results_method_3 = The 95% confidence interval is the range the true score most likely lies in, given the survey's uncertainty. The share agreeing is the share of answers 4 or 5 ("Somewhat agree" or "Strongly agree"), averaged over respondents.
results_method_4 = So that no one's answers can be guessed from a small group, figures for a vision with fewer than { $min } respondents are not published.
results_method_5 = Figures are unweighted and count the responses received when the results were published; responses that arrived later are not included.
results_download_title = Open data
results_download = { $title }: scores per vision (CSV, UTF-8)
results_change = Change (later − earlier) and 95% CI
results_change_note = The change is the later survey's score minus the earlier one's. ↑ (up) and ↓ (down) mark only changes that are statistically significant at the 5% level by Welch's t-test (the 95% confidence interval does not include 0); other differences are within the survey's margin of error.
results_not_significant = not significant

## E-mail invitations and reminders
mail_invitation_subject = Suita City: please take part in our citizen survey on the digital policy
mail_reminder_subject = Reminder: Suita City citizen survey on the digital policy
mail_invitation_lead = Suita City is asking residents how its digital policy is working: “{ $title }”. We would be grateful for your answers.
mail_reminder_lead = We are sending this reminder about “{ $title }” to invitees who have not answered yet. We would be grateful for your answers.
mail_link_label = Your personal link (it can be used to answer once):
mail_anonymity_1 = Your answers are stored anonymously: neither your name nor your e-mail address is stored with them.
mail_anonymity_2 = The link only makes sure each invitee answers once; nothing is kept that connects your answers to you.
mail_anonymity_3 = Your e-mail address will be deleted when the survey has closed.
mail_opt_out_label = If you do not want reminders, you can stop them here:
mail_signature = Suita City
mail_bullet = - { $item }

## The evaluation of the visions
eval_title = Evaluation of the visions
eval_lead = For each vision of Suita City's Digital Policy (FY2024–2028), the survey's figures are compared with the indicators' baselines and targets and graded; the table also gives the direction the city decided and the main opinions of residents. How to read the grades is explained below the table.
eval_caption = { $title }: evaluation of the visions
eval_col_vision = Vision
eval_col_indicator = Indicator
eval_col_baseline = Baseline (source)
eval_col_target = Target
eval_col_value = This survey (95% CI)
eval_col_achievement = Achievement
eval_col_grade = Grade
eval_col_direction = Direction
eval_col_opinions = Main opinions of residents
eval_target_by = { $target } (FY{ $year })
eval_expected = Expected by now: { $expected }
eval_ci_range = ({ $low }–{ $high })
eval_respondents = { $n } respondents
eval_direction_continue = Continue
eval_direction_improve = Improve
eval_direction_review = Review
eval_direction_none = Not decided
eval_legend_title = How to read the grades
eval_download = { $title }: evaluation of the visions (CSV, UTF-8)
eval_measure_vision_score = Vision score
eval_measure_vision_top2 = Share of positive answers
eval_measure_item_score = Score of “{ $item }”
eval_measure_item_top2 = Share agreeing that “{ $item }”
eval_weighted_name = { $name } (weighted to the population)
eval_grade_s = S
eval_grade_a = A
eval_grade_b = B
eval_grade_c = C
eval_grade_steady = On track
eval_grade_fair = Broadly on track
eval_grade_improve = Needs improvement
eval_grade_none = −
eval_rule_nagayo = Grades S–C (compared with the baseline): whether the figure moved beyond a band set for each indicator (± a percentage of the baseline).
eval_legend_nagayo_s = S: the target was reached
eval_legend_nagayo_a = A: above the band around the baseline, target not yet reached
eval_legend_nagayo_b = B: within the band around the baseline (no change)
eval_legend_nagayo_c = C: below the band around the baseline
eval_rule_progress = On track / Broadly on track / Needs improvement (progress towards the target): the achievement (how far from the baseline to the target the figure has come) compared with the share expected by now.
eval_legend_progress_steady = On track: progress of 100% or more (as expected, or better)
eval_legend_progress_fair = Broadly on track: progress from 60% to under 100%
eval_legend_progress_needs_improvement = Needs improvement: progress under 60%
eval_rule_interval = Grades S–C (allowing for the margin of error): a figure counts as changed only when the 95% confidence interval of its change from the baseline excludes zero.
eval_legend_interval_s = S: significantly up, and the target was reached
eval_legend_interval_a = A: significantly up, target not yet reached
eval_legend_interval_b = B: the change is within the margin of error
eval_legend_interval_c = C: significantly down
eval_legend_none = −: not measurable (too few respondents to publish the figure, no baseline, …)
eval_reason_no_figure = Nobody answered this indicator's questions in this survey.
eval_reason_suppressed = Fewer than { $min } respondents: the figure is not published.
eval_reason_no_weights = Without population figures, the weighted figure cannot be computed.
eval_reason_baseline_missing = The baseline survey ({ $wave }) has no figure.
eval_reason_baseline_not_published = The results of the baseline survey ({ $wave }) are not published yet.
eval_reason_baseline_suppressed = The baseline survey ({ $wave }) had fewer than { $min } respondents: no comparison is possible.
eval_reason_is_baseline = This survey's figure is the baseline; the next survey will be evaluated against it.
eval_reason_baseline_later = The baseline survey comes after this one: no evaluation is possible.
eval_reason_no_gap = The target is not above the baseline, so no achievement can be computed.
eval_reason_no_expected_share = No expected progress is set for this point of the plan, so no grade is given.
eval_reason_no_interval = Too few respondents, or no variation in the answers: the 95% confidence interval of the change cannot be computed.
eval_reason_reached_target = The figure { $value } reached the target { $target }.
eval_reason_above_band = The figure { $value } is above the band of ±{ $band }% around the baseline { $baseline } ({ $low }–{ $high }) but has not reached the target { $target }.
eval_reason_within_band = The figure { $value } is within the band of ±{ $band }% around the baseline { $baseline } ({ $low }–{ $high }).
eval_reason_below_band = The figure { $value } is below the band of ±{ $band }% around the baseline { $baseline } ({ $low }–{ $high }).
eval_reason_steady = An achievement of { $achievement } against the { $expected } expected by now: progress { $progress } (100% or more).
eval_reason_fair = An achievement of { $achievement } against the { $expected } expected by now: progress { $progress } (60% to under 100%).
eval_reason_improve = An achievement of { $achievement } against the { $expected } expected by now: progress { $progress } (under 60%).
eval_reason_significant_reached = The change from the baseline, { $change } (95% CI { $ci_low } to { $ci_high }), excludes zero, and the target { $target } was reached.
eval_reason_significant_up = The change from the baseline, { $change } (95% CI { $ci_low } to { $ci_high }), excludes zero: significantly up.
eval_reason_reached_not_significant = The figure { $value } reached the target { $target }, but the change from the baseline, { $change } (95% CI { $ci_low } to { $ci_high }), includes zero: within the margin of error.
eval_reason_no_significant_change = The change from the baseline, { $change } (95% CI { $ci_low } to { $ci_high }), includes zero: within the margin of error.
eval_reason_significant_down = The change from the baseline, { $change } (95% CI { $ci_low } to { $ci_high }), excludes zero: significantly down.

## Workspace (analysts and operators): Japanese and English only; shown as "日本語 / English"
ws_answered_or_resolved = This code has been answered already, or the sheet was resolved meanwhile.
ws_back = To the workspace
ws_cannot_publish = Not possible to publish
ws_code_awaits_resolution = This sheet awaits resolution.
ws_code_duplicate = Duplicate: this code has already been answered.
ws_code_duplicate_long = Duplicate: this code has already been answered (on the web or on paper; the first answer counts). Nothing was stored.
ws_code_empty = Type the sheet's access code.
ws_code_keyed_by_you = You keyed the first entry: the second must be keyed by another operator.
ws_code_keyed_by_you_long = You keyed this sheet's first entry: the second must be keyed by another operator.
ws_code_resolve_by_another = You keyed one of this sheet's entries: someone who keyed neither (another operator, or an analyst) must resolve it.
ws_second_entry_incomplete = This second entry leaves { $blank } of the { $answered } questions answered in the first entry blank. Key every answer as written on the sheet ("{ $dash }" only where the sheet is blank). Nothing was stored.
ws_code_length = An access code has 16 characters.
ws_code_typo = The code has a typo (a character is wrong).
ws_code_unknown = Not a code issued for this wave.
ws_csrf_refused = Request refused
ws_csrf_refused_body = The form's security token is missing or wrong. Nothing was changed. Reload the page and try again.
ws_differencing_refused = Not published: the difference from an earlier publication would give away the figures of fewer respondents than the minimum.
ws_differencing_shortfall = { $vision }: { $n } respondents; at least { $more } more are needed (a publication must differ from every earlier one by 0 or at least { $min } respondents).
ws_eval_back = To the evaluation page
ws_eval_locked = Published: the decisions cannot be changed
ws_eval_locked_body = This wave's evaluation has been published and its decisions are fixed as published. Nothing was changed. To change them, press “Start a revision”, save, and publish again (the public keeps the published ones until then).
ws_eval_not_published = No revision needed
ws_eval_not_published_body = This wave's evaluation has not been published yet: its decisions can be edited as they are. Nothing was changed.
ws_error_bad_request = The request could not be read
ws_error_bad_request_body = Open the form again and retry. Nothing was changed.
ws_error_conflict = Not possible now
ws_error_conflict_body = This is not possible in the current state. Nothing was changed.
ws_error_forbidden = Not allowed
ws_error_forbidden_body = This account may not do this. Nothing was changed.
ws_error_internal = Something went wrong
ws_error_internal_body = Nothing was changed. If it goes on, tell the operator.
ws_error_not_found = Not found
ws_error_not_found_body = This page or wave does not exist.
ws_error_timeout = The request timed out
ws_error_timeout_body = The request did not arrive in time. Nothing was stored. Try again.
ws_error_too_large = The upload is too large
ws_error_too_large_body = What was sent exceeds the limit. Nothing was stored.
ws_error_unavailable = The database is unavailable
ws_error_unavailable_body = Try again in a moment. Nothing was changed. If it goes on, tell the operator (see /healthz).
ws_next_sheet = Next sheet
ws_no_paper_entry = No paper entry on this wave
ws_no_paper_entry_body = Paper sheets are keyed by their access code: only postal waves (access = "code") take paper entry.
ws_not_yet_publish = Not yet possible to publish
ws_not_yet_publish_body = { $title } takes responses until { $closes }. Its results can be published once it has closed (from { $from }). Nothing was published.
ws_nothing_awaits_resolution = No sheet awaits resolution.
ws_nothing_stored = Nothing stored
ws_nothing_to_resolve = Nothing to resolve
ws_nothing_to_resolve_body = This sheet does not await resolution (resolved already, or not keyed).
ws_operator_refused = Not allowed
ws_operator_refused_body = Operator accounts key and print paper questionnaires only. Exports, publication and reminders need an analyst account. Nothing was changed.
ws_paper_disagreed = The second entry disagrees with the first in { $n } field(s): put the sheet aside for resolution (the values are not shown).
ws_paper_first_kept = First entry kept: the sheet becomes a response when another operator's entry agrees.
ws_paper_language = The language is ja or en.
ws_paper_not_an_option = Not an allowed code (see the list).
ws_paper_not_keyed = Not keyed: key the answer, or { $blank } if it was left blank.
ws_paper_only_if = only if question { $n } is { $position } (else leave empty)
ws_paper_resolved = The resolved sheet is now a response.
ws_paper_stored = The second entry agreed with the first: the sheet is now a response.
ws_reminders_queued = Reminders queued
ws_reminders_queued_body = { $queued } reminder(s) queued for invitees who have neither answered nor opted out, invited at least { $days } days ago.
ws_reminders_refused = Reminders not possible
ws_unknown_wave = Unknown wave
# The workspace pages (templates/workspace/, src/web/workspace/texts.rs)
ws_workspace = Analyst workspace
ws_skip_to_content = Skip to content
ws_site_name = Analyst workspace
ws_sign_in = Sign in
ws_sign_in_refused = The name or password is wrong, or after several failures the account needs a short wait before the next attempt (at most { $max_delay } seconds).
ws_sign_in_control_character = The name or password contains a control character (such as NUL) that cannot be used. Type them again.
ws_sign_in_too_many = Too many sign-in attempts from this device. Wait about { $wait } seconds and try again.
ws_sign_in_backoff = After { $failures } failed attempts in a row, each further attempt must wait 1, 2, 4 … seconds (at most { $max_delay } seconds).
ws_sign_in_accounts = Operators create accounts with { $command }.
ws_name = Name
ws_password = Password
ws_sign_out = Sign out
ws_signed_in_as = Signed in as { $analyst }
ws_signed_in_operator = Signed in as { $analyst } (operator)
ws_dashboard = Dashboard
ws_status_open = open
ws_status_upcoming = upcoming
ws_status_closed = closed
ws_period = Period
ws_responses = Responses
ws_published = Published { $at } UTC by { $by } ({ $responses } responses)
ws_publish = Publish the results
ws_publish_again = Publish again
ws_publish_after_close = Results can be published once the wave has closed.
ws_send_reminders = Send reminders to invitees who have not answered
ws_paper_questionnaire = Paper questionnaire
ws_printable = printable (English)
ws_paper_entry_link = Paper entry
ws_awaiting_second_short = awaiting second entry
ws_awaiting_resolution = awaiting resolution
ws_response_rate = Response rate
ws_codes_issued = Codes issued
ws_rate_answered = Answered
ws_web = Web
ws_paper = Paper
ws_open_answers = Open answers, not in the sample
ws_rate_hint = Rate = answered ÷ codes issued. Open answers are left out of the estimates (include_open adds them to exports).
ws_download_csv = Download CSV
ws_excel_hint = For Japanese Excel choose UTF-8 with BOM or Shift_JIS.
ws_responses_by_day = Responses by day and channel
ws_no_responses = No responses yet.
ws_day = Day
ws_email = E-mail
ws_open_short = Open, not in sample
ws_total = Total
ws_scores_per_vision = Scores per vision
ws_suppression_hint = Visions with fewer than { $min } respondents are suppressed.
ws_chart_title = Scores per vision
ws_chart_now = now
ws_vision = Vision
ws_score = Score
ws_ci95 = 95% CI
ws_top2 = Top-2 box
ws_respondents = n
ws_suppressed = suppressed
ws_completion = Completion per question
ws_question = Question
ws_answered = Answered
ws_share = Share
ws_audit_log = Audit log
ws_time = Time
ws_analyst = Analyst
ws_action = Action
ws_wave = Wave
ws_detail = Detail
ws_paper_entry = Paper entry
ws_key_sheets = Key sheets
ws_questionnaire = questionnaire
ws_awaiting_second = awaiting a second entry
ws_paper_responses = paper responses stored
ws_sheet_code = The sheet's access code
ws_publish_pending_title = { $n } paper sheets are still pending
ws_publish_pending_body = { $second } sheets wait for their second entry and { $resolution } for a resolution; they are not in the results that would be published. Finish keying them first, or publish without them.
ws_publish_pending_confirm = Publish without the { $n } sheets
ws_upload_title = Import the vendor's file
ws_upload_link = Import the vendor's file (CSV)
ws_upload_file = CSV file (UTF-8 or Shift_JIS)
ws_upload_values = How choices are written
ws_upload_detect = detect
ws_upload_boxes = the questionnaire's box numbers (1–N, 9 = don't know)
ws_upload_codes = the codebook's option codes
ws_upload_received = Received on (only for a file without a received_on column)
ws_upload_accept = Import the valid rows, leaving out the rows with problems
ws_upload_submit = Import
ws_upload_stored = { $stored } responses stored ({ $rows } rows, { $encoding }, { $values }); { $used } codes already used, { $problems } problems.
ws_upload_nothing = { $valid } valid rows, { $problems } problems: nothing imported. Fix the rows, or choose to import the valid ones.
ws_upload_header = The header is not the expected one: nothing imported.
ws_upload_used = row { $row }: code already used (answered on the web, or imported before): skipped
ws_upload_rejected_rows = Rows for the vendor to fix: { $rows }
ws_upload_no_file = No file was chosen.
ws_invalid_mark = invalid (two marks, illegible)
ws_upload_not_valid = row { $row }: no valid answer (blank, or invalid marks only): a returned sheet, not a valid response
ws_sheet_language = Questionnaire language
ws_received_on = Received on (the day this batch arrived)
ws_received_bad = The received day "{ $day }" cannot be used: give a day not after today.
ws_key_this_sheet = Key this sheet
ws_paper_entry_hint = Each sheet is keyed by two operators separately (the second does not see the first entry); when both agree the sheet becomes a response. Type a disagreeing sheet's code again to resolve it. A code already answered on the web is a duplicate and is not stored (the first answer counts).
ws_printable_questionnaire = Printable questionnaire
ws_resolve = Resolve
ws_entry_title = Entry { $n }
ws_entry_heading = Entry { $n }
ws_resolve_hint = Only the fields where the two entries disagree are shown: look at the sheet and key the right code. Key just < to take entry 1's value as it is, just > to take entry 2's.
ws_entry_hint = Key each code; Tab or Enter moves to the next question; { $blank } for a blank answer.
ws_check_fields = Check these fields
ws_first = first
ws_second = second
ws_none = none
ws_store_resolved = Store the resolved sheet
ws_save_entry = Save this entry
ws_cancel = Cancel, back to the code
ws_no_answer = no answer
ws_several = several separated by spaces
ws_as_written = as written

## Paper booklet (src/paper/questionnaire.rs): Japanese and English only; printed in one of them
booklet_booklet = Questionnaire
booklet_purpose = Why we ask
booklet_how_to_answer_title = How to answer
booklet_how_to_answer = Tick (✓) the box that applies. Write numbers and text inside the frames. You may leave a question blank. Where it says "→ Go to question N", please continue there.
booklet_anonymity_title = Your answers are anonymous
booklet_anonymity = There is no place for your name or address. The access code on the cover was made at random and no record links it to you. Once keyed, your answers are stored without the code and without who keyed them. Results are published only as statistics, never for small groups.
booklet_return_title = Returning the questionnaire
booklet_return_by = Please put this questionnaire in the enclosed reply envelope (no stamp needed) and post it by { $date }.
booklet_online = If you answered online, please do not return this questionnaire (if both arrive, the first one received counts).
booklet_contact_title = Contact
booklet_code_title = Access code
booklet_code_note = The access code from your letter is printed here (if the box is empty, copy it from the letter).
booklet_go_to = → Go to question { $n }
booklet_then_go_to = Then go to question { $n }.
booklet_write_here = Please write freely.
booklet_legend_title = Entry codes (for staff)
booklet_legend = The small number by each box is its entry code. Scale: 1–5, "Don't know": 9; choices: their number (several separated by spaces); numbers and text: as written; left blank: -.
booklet_end = Thank you for taking part.
