# 日本語: the source language. Every other file in this folder has the same messages.
# Message ids are the field names the code uses; `{ $name }` are arguments.

## Language metadata and page frame
site_name = 吹田市デジタル政策 市民アンケート
skip_to_content = 本文へ移動
language_switch = 言語（Language）
furigana_on = ふりがなをつける
furigana_off = ふりがなを消す

## Start page
index_title = 市民アンケート
index_lead = 吹田市デジタル政策の取組について、市民の皆さまのご意見をお聞きしています。回答は匿名です。
no_waves = 現在、予定されているアンケートはありません。
status_open = 受付中
status_upcoming = 受付開始前
status_closed = 受付終了
answer_link = 回答する
results_link = 結果を見る

## The form
anonymity_note = このアンケートは匿名です。お名前・住所・メールアドレスはお聞きしません。
required = 必須
submit = 回答を送信する
error_prefix = エラー：
error_summary_title = 入力内容を確認してください
choose_all = あてはまるものをすべて選んでください。
# The agreement scale, 1 to 5: every language must mean exactly the same on every point.
scale_1 = 全くそう思わない
scale_2 = あまりそう思わない
scale_3 = どちらともいえない
scale_4 = ややそう思う
scale_5 = とてもそう思う
dont_know = わからない
question_number = 問{ $n }
numbered_problem = { $number }：{ $problem }
only_if = 問{ $question }で「{ $answer }」と答えた方のみお答えください。
max_choices = { $max }つまで選んでください。
max_length = { $max }文字以内でご記入ください。
number_range = { $min }〜{ $max }の数字でご記入ください。
number_range_unit = { $min }〜{ $max }{ $unit }の数字でご記入ください。

## Problems with an answer
problem_required = この質問にお答えください。
problem_not_an_option = 選択肢の中から選んでください。
problem_too_many_choices = 選べるのは{ $max }つまでです。選択を減らしてください。
problem_too_long = { $max }文字以内でご記入ください（現在{ $length }文字）。
problem_not_a_number = 数字のみでご記入ください（例：3）。
problem_out_of_range = { $min }から{ $max }までの数字でご記入ください。
problem_unknown_field = このページは古い版のフォームから送信されました。下の回答を確認して、もう一度送信してください。
problem_missing_key = フォームの有効期限が切れていました。回答はそのまま残っていますので、確認してもう一度送信してください。
problem_control_character = 使えない制御文字（NUL など）が含まれています。その文字を削除してから、もう一度送信してください。改行とタブは使えます。
problem_not_utf8 = 文字化けした文字（�）が含まれています。その部分を入力し直してから、もう一度送信してください。

## Dates
date = { $year }年{ $month }月{ $day }日
period = 回答期間：{ $opens } 〜 { $closes }
opens_on = { $date }から回答できます。
closed_on = { $date }で受付を終了しました。

## After answering, and pages that say why not
thanks_title = ご回答ありがとうございました
thanks_body = 回答は匿名で保存されました。いただいたご意見は、吹田市デジタル政策の評価と見直しに活用します。
back_to_top = トップページへ戻る
back_to_form = アンケートへ戻る
closed_title = このアンケートの受付は終了しました
upcoming_title = このアンケートはまだ受付前です
not_stored = この回答は保存されていません。
not_found_title = ページが見つかりません
not_found_body = アドレスをご確認ください。アンケートの一覧はトップページからご覧いただけます。
too_large_title = 送信内容が大きすぎます
too_large_body = 回答は保存されていません。ブラウザの「戻る」で回答画面に戻り、自由記述を短くしてから、もう一度送信してください。
unavailable_title = ただいま回答を保存できません
unavailable_body = 回答はまだ保存されていません。入力内容はこの画面に残っていますので、少し時間をおいてから、もう一度送信してください。
internal_title = エラーが発生しました
internal_body = 申し訳ありません。回答は保存されていません。時間をおいてからもう一度お試しください。
bad_request_title = このアドレスまたは送信内容は読み取れません
bad_request_body = 何も保存されていません。アドレスに誤りがないか確認するか、トップページから開き直してください。
timeout_title = 送信に時間がかかりすぎました
timeout_body = 回答は保存されていません。ブラウザの「戻る」で回答画面に戻り、通信状態のよいところで、もう一度送信してください。

## Invitations
invitation_only_title = このアンケートは招待制です
invitation_only_body = メールでお送りした、あなた専用のリンクから回答してください。
invalid_link_title = このリンクは使えません
invalid_link_body = リンクが正しくないか、アンケート終了後に削除されています。メールに記載のリンクをそのままお使いください。
already_answered_title = すでに回答済みです
already_answered_body = このリンクからの回答はすでに受け付けています。回答はお一人1回です。ご協力ありがとうございました。
opt_out_title = 回答のお願い（リマインド）メールを停止しますか
opt_out_body = このアンケートについて、回答をお願いするメール（リマインド）を今後お送りしません。回答はこれまでどおりできます。
opt_out_button = リマインドメールを停止する
opted_out_title = リマインドメールを停止しました
opted_out_body = このアンケートについて、今後メールはお送りしません。

## Access codes of postal waves
code_entry_title = アクセスコードの入力
code_entry_lead = 郵送でお届けした案内状に印刷されている16文字のアクセスコードを入力してください。ハイフン（-）やスペースは入れても入れなくてもかまいません。小文字や全角文字でも読み取れます。
code_label = アクセスコード
code_hint = 例：ABCD-EFGH-JKMN-PQRS（数字の0・1、英字のO・I・Lは使っていません）
code_submit = 回答をはじめる
code_empty = アクセスコードを入力してください。
code_length = アクセスコードは16文字です。案内状のとおりに入力してください。
code_check = コードを確認してください。どこかの文字が違っているようです（0・1・O・I・Lは使っていません）。
code_unknown_title = このコードは使えません
code_unknown_body = 入力されたコードは、回答受付中のアンケートのものではありません。案内状のコードをもう一度ご確認ください。
code_used_body = このアクセスコードでの回答はすでに受け付けています。回答はお一人1回です。ご協力ありがとうございました。
code_required_title = このアンケートはアクセスコードで回答します
code_required_body = ご自宅に郵送した案内状のQRコードを読み取るか、案内状に印刷されたアクセスコードを入力してください。
code_entry_link = アクセスコードを入力する
open_answer_note = 案内状がお手元にある方は、案内状のQRコードまたはアクセスコードから回答してください。無作為に選ばれた方の回答として集計するためです。
too_many_attempts_title = しばらくしてからお試しください
too_many_attempts_body = 短い時間に多くのコードが入力されました。数分待ってから、もう一度入力してください。

## Published results
results_title = { $title }の結果
results_lead = 吹田市デジタル政策の5つのビジョンについて、市民アンケートの結果を0〜100点で示します。点数が高いほど、そのビジョンが実現していると感じている方が多いことを表します。
results_chart_title = ビジョン別の点数（0〜100）
results_table_caption = { $title }：ビジョン別の点数と回答者数
results_change_caption = 調査間の点数の変化
results_vision = ビジョン
results_respondents = 回答者数
results_score = 点数
results_ci = 95%信頼区間
results_top2 = 肯定的な回答の割合
results_suppressed = 非公表
results_meta = 回答数：{ $responses }／公表日：{ $date }
results_fewer_than = { $min }件未満
results_by_channel = （うち郵送 { $paper }、インターネット { $online }）
results_series = { $year }年度調査
results_chart_item = { $name }：{ $figures }。
results_method_title = 集計の方法
results_method_1 = 各設問には「1 全くそう思わない」から「5 とてもそう思う」までの5段階で答えていただきました。「わからない」と無回答は計算に含めません。
results_method_2 = 回答者ごとに、そのビジョンの設問への回答の平均を0〜100点に換算します。計算式は (平均 − 1) ÷ 4 × 100 です。ビジョンの点数は、その回答者の点数の平均です。ビジョンの設問に1問も答えていない方は、そのビジョンの回答者数に含めません。
results_method_3 = 95%信頼区間は、調査の誤差を考えたときに本当の点数がおよそ入る範囲です。肯定的な回答の割合は、「ややそう思う」「とてもそう思う」と答えた割合（回答者ごとの割合の平均）です。
results_method_4 = 回答者が少ないと個人の回答が推測されるおそれがあるため、回答者が{ $min }人未満のビジョンは数値を公表せず「非公表」としています。
results_method_5 = 数値は公表時点の回答を重み付けせずに集計したものです。公表後に届いた回答は含みません。
results_download_title = オープンデータ
results_download = { $title }：ビジョン別の点数（CSV、UTF-8）
results_change = 変化（後 − 前）と95%信頼区間
results_change_note = 変化は後の調査の点数から前の調査の点数を引いたものです。↑（上昇）・↓（低下）は、Welchのt検定で5%水準で統計的に有意な変化（95%信頼区間が0を含まない）にだけ付けています。それ以外の差は、調査の誤差の範囲内です。
results_not_significant = 有意差なし

## E-mail invitations and reminders
mail_invitation_subject = 【吹田市】デジタル政策に関する市民アンケートへのご協力のお願い
mail_reminder_subject = 【吹田市】市民アンケートご回答のお願い（リマインド）
mail_invitation_lead = 吹田市では、デジタル政策の取組について市民の皆さまのご意見をお聞きするため、「{ $title }」を実施しています。ご協力をお願いいたします。
mail_reminder_lead = 先日ご案内した「{ $title }」について、まだご回答いただいていない方にお送りしています。ぜひご協力ください。
mail_link_label = 回答はこちらから（あなた専用のリンクです。回答は1回のみです）：
mail_anonymity_1 = 回答は匿名で保存されます。お名前やメールアドレスは回答と一緒に保存されません。
mail_anonymity_2 = このリンクは、お一人1回の回答に限るためだけに使います。回答内容とあなたを結び付ける情報は残りません。
mail_anonymity_3 = アンケート終了後、メールアドレスは削除します。
mail_opt_out_label = リマインドメールが不要な方は、こちらから停止できます：
mail_signature = 吹田市
mail_bullet = ・{ $item }

## Workspace (analysts and operators): Japanese and English only; shown as "日本語 / English"
ws_answered_or_resolved = このコードの回答はすでに登録されているか、照合済みです。
ws_back = 分析者ページへ
ws_cannot_publish = 公表できません
ws_code_awaits_resolution = この調査票は照合待ちです。
ws_code_duplicate = 重複：このコードの回答はすでに登録されています。
ws_code_duplicate_long = 重複：このコードの回答はすでに登録されています（ウェブまたは紙。先に届いた回答が有効）。何も保存していません。
ws_code_empty = アクセスコードを入力してください。
ws_code_keyed_by_you = この調査票の1回目はあなたが入力しました。2回目は別の担当者が入力してください。
ws_code_keyed_by_you_long = この調査票の1回目はあなたが入力しました。2回目は別の担当者が入力してください。
ws_code_resolve_by_another = この調査票の入力の一方はあなたが行いました。照合は、どちらの入力もしていない別の担当者（または分析担当者）が行ってください。
ws_second_entry_incomplete = 2回目の入力は、1回目に回答のあった{ $answered }問のうち{ $blank }問が空欄です。調査票に書かれたとおりにすべての回答を入力してください（空欄の設問だけ「{ $dash }」）。何も保存していません。
ws_code_length = アクセスコードは16文字です。
ws_code_typo = コードに誤りがあります（どこかの文字が違います）。
ws_code_unknown = この調査で発行したコードではありません。
ws_csrf_refused = 送信を受け付けられません
ws_csrf_refused_body = フォームの確認用トークンがないか、正しくありません。何も変更していません。ページを開き直してから、もう一度お試しください。
ws_differencing_refused = 前回の公表との差から、少数の回答者の結果が計算できてしまうため、公表しませんでした。
ws_differencing_shortfall = { $vision }: 回答者 { $n } 人。あと { $more } 人以上の回答者が必要です（前回との差は0人か{ $min }人以上）。
ws_error_bad_request = 送信内容を読み取れません
ws_error_bad_request_body = フォームを開き直して、もう一度お試しください。何も変更していません。
ws_error_conflict = いまはできません
ws_error_conflict_body = いまの状態ではこの操作はできません。何も変更していません。
ws_error_forbidden = 操作できません
ws_error_forbidden_body = このアカウントではこの操作はできません。何も変更していません。
ws_error_internal = エラーが発生しました
ws_error_internal_body = 何も変更していません。続く場合は運用担当に連絡してください。
ws_error_not_found = 見つかりません
ws_error_not_found_body = このページまたは調査はありません。
ws_error_timeout = 時間切れです
ws_error_timeout_body = 送信が時間内に届きませんでした。何も保存していません。もう一度お試しください。
ws_error_too_large = ファイルが大きすぎます
ws_error_too_large_body = 送信したデータが上限を超えています。何も保存していません。
ws_error_unavailable = データベースに接続できません
ws_error_unavailable_body = しばらくしてから、もう一度お試しください。何も変更していません。続く場合は運用担当に連絡してください（/healthz）。
ws_next_sheet = 次の調査票へ
ws_no_paper_entry = 紙の入力はできません
ws_no_paper_entry_body = 紙の調査票はアクセスコードで入力します。郵送調査（access = "code"）の調査だけが対象です。
ws_not_yet_publish = まだ公表できません
ws_not_yet_publish_body = { $title } の回答受付は { $closes } まで続きます。結果は受付終了後（{ $from } 以降）に公表できます。何も公表していません。
ws_nothing_awaits_resolution = 照合待ちの調査票が見つかりません。
ws_nothing_stored = 保存していません
ws_nothing_to_resolve = 照合待ちではありません
ws_nothing_to_resolve_body = この調査票は照合待ちではありません（照合済みか、未入力です）。
ws_operator_refused = 操作できません
ws_operator_refused_body = 入力担当（operator）のアカウントでは、調査票の入力と印刷だけができます。エクスポート・公表・リマインドは分析者のアカウントで行ってください。何も変更していません。
ws_paper_disagreed = 2回目の入力が1回目と { $n } か所で一致しません。この調査票は照合待ちとして別にしてください（どちらの値かは表示しません）。
ws_paper_first_kept = 1回目の入力を保存しました。別の担当者が同じ調査票を入力すると、一致した場合に回答として登録されます。
ws_paper_language = 言語は ja か en です。
ws_paper_not_an_option = このコードはありません（右の一覧を参照）。
ws_paper_not_keyed = 入力されていません。回答を入力するか、空欄なら { $blank } を入力してください。
ws_paper_only_if = 問{ $n } が { $position } のときだけ（ほかは空欄のまま）
ws_paper_resolved = 照合した調査票を回答として登録しました。
ws_paper_stored = 2回目の入力が1回目と一致したため、回答として登録しました。
ws_reminders_queued = リマインドを送信待ちにしました
ws_reminders_queued_body = { $queued } 件のリマインドを送信待ちにしました（未回答・配信停止していない方、招待から{ $days }日以上の方）。
ws_reminders_refused = リマインドできません
ws_unknown_wave = 調査が見つかりません
