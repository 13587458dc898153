# やさしい日本語 (Easy Japanese). Same messages as ja.ftl. Short sentences, words spaced
# (分かち書き), written in kana where a kanji would need a reading: Fluent uses `{` for
# arguments, so these strings carry no {漢字|かんじ} marks (the definitions do).
# Not yet reviewed (see docs/methods.md, "Survey definitions").

## Language metadata and page frame
site_name = すいたし デジタル せいさく しみん アンケート
skip_to_content = ほんぶんへ いく
language_switch = ことば（Language）
furigana_on = ふりがなを つける
furigana_off = ふりがなを けす

## Start page
index_title = しみん アンケート
index_lead = すいたしは デジタルの しごとに ついて、みなさんの いけんを ききたいです。なまえは かきません。だれが こたえたか わかりません。
no_waves = いまは アンケートが ありません。
status_open = こたえることが できます
status_upcoming = まだ はじまって いません
status_closed = おわりました
answer_link = こたえる
results_link = けっかを みる

## The form
anonymity_note = なまえ、じゅうしょ、メールアドレスは ききません。だれが こたえたか わかりません。
required = かならず こたえて ください
submit = こたえを おくる
error_prefix = まちがい：
error_summary_title = こたえを もういちど みて ください
choose_all = あてはまるものを ぜんぶ えらんで ください。
scale_1 = まったく そう おもわない
scale_2 = あまり そう おもわない
scale_3 = どちらとも いえない
scale_4 = すこし そう おもう
scale_5 = とても そう おもう
dont_know = わからない
importance_1 = まったく たいせつで ない
importance_2 = あまり たいせつで ない
importance_3 = どちらとも いえない
importance_4 = すこし たいせつ
importance_5 = とても たいせつ
question_number = もんだい{ $n }
numbered_problem = { $number }：{ $problem }
only_if = もんだい{ $question }で「{ $answer }」と こたえた ひとだけ こたえて ください。
max_choices = { $max }つまで えらんで ください。
max_length = { $max }もじまで かくことが できます。
number_range = { $min }から { $max }までの かずを かいて ください。
number_range_unit = { $min }から { $max }{ $unit }までの かずを かいて ください。

## Problems with an answer
problem_required = この もんだいに こたえて ください。
problem_not_an_option = えらぶものの なかから えらんで ください。
problem_too_many_choices = えらべるのは { $max }つまでです。すこし へらして ください。
problem_too_long = { $max }もじまでに して ください（いまは { $length }もじです）。
problem_not_a_number = かずだけを かいて ください（れい：3）。
problem_out_of_range = { $min }から { $max }までの かずを かいて ください。
problem_unknown_field = この ページは ふるい アンケートから おくられました。したの こたえを みて、もういちど おくって ください。
problem_missing_key = じかんが たって、アンケートが つかえなく なりました。こたえは したに のこって います。みてから もういちど おくって ください。
problem_control_character = つかえない もじ（NUL など）が あります。その もじを けしてから、もういちど おくって ください。
problem_not_utf8 = よめない もじ（�）が あります。そこを もういちど かいてから、おくって ください。

## Dates
date = { $year }ねん { $month }がつ { $day }にち
period = こたえる きかん：{ $opens } 〜 { $closes }
opens_on = { $date }から こたえることが できます。
closed_on = { $date }で おわりました。

## After answering, and pages that say why not
thanks_title = こたえて くれて ありがとう ございました
thanks_body = こたえは だれの ものか わからないように して、しまいました。すいたしの デジタルの しごとを よく するために つかいます。
back_to_top = はじめの ページに もどる
back_to_form = アンケートに もどる
closed_title = この アンケートは おわりました
upcoming_title = この アンケートは まだ はじまって いません
not_stored = この こたえは しまって いません。
not_found_title = ページが ありません
not_found_body = アドレスを もういちど みて ください。アンケートは はじめの ページに あります。
too_large_title = おくるものが おおきすぎます
too_large_body = こたえは しまって いません。ブラウザの「もどる」で アンケートに もどって、じぶんで かいた ぶんを みじかく して、もういちど おくって ください。
unavailable_title = いま こたえを しまうことが できません
unavailable_body = こたえは まだ しまって いません。かいた ことは この ページに のこって います。すこし まってから、もういちど おくって ください。
internal_title = うまく いきませんでした
internal_body = すみません。こたえは しまって いません。すこし まってから、もういちど やって ください。
bad_request_title = この アドレスか おくったものが よめません
bad_request_body = なにも しまって いません。アドレスを もういちど みるか、はじめの ページから ひらいて ください。
timeout_title = おくるのに じかんが かかりすぎました
timeout_body = こたえは しまって いません。ブラウザの「もどる」で アンケートに もどって、インターネットが よく つながる ところで、もういちど おくって ください。

## Invitations
invitation_only_title = この アンケートは メールを もらった ひとだけが こたえます
invitation_only_body = メールに かいて ある、あなただけの リンクから こたえて ください。
invalid_link_title = この リンクは つかえません
invalid_link_body = リンクが ちがうか、アンケートが おわって けしました。メールの リンクを そのまま つかって ください。
already_answered_title = もう こたえて います
already_answered_body = この リンクからの こたえは もう もらって います。こたえるのは ひとり 1かいです。ありがとう ございました。
opt_out_title = 「こたえて ください」の メールを とめますか
opt_out_body = この アンケートの「こたえて ください」という メールを もう おくりません。アンケートには いままでと おなじように こたえることが できます。
opt_out_button = メールを とめる
opted_out_title = メールを とめました
opted_out_body = この アンケートの メールは もう おくりません。

## Access codes of postal waves
code_entry_title = アクセスコードを いれる
code_entry_lead = ゆうびんで おくった てがみに かいて ある、16もじの アクセスコードを いれて ください。「-」や スペースは いれても いれなくても だいじょうぶです。
code_label = アクセスコード
code_hint = れい：ABCD-EFGH-JKMN-PQRS（すうじの 0・1、えいごの O・I・L は つかいません）
code_submit = こたえはじめる
code_empty = アクセスコードを いれて ください。
code_length = アクセスコードは 16もじです。てがみの とおりに いれて ください。
code_check = コードを もういちど みて ください。どこかの もじが ちがうようです（0・1・O・I・L は つかいません）。
code_unknown_title = この コードは つかえません
code_unknown_body = この コードは、いま こたえることが できる アンケートの ものでは ありません。てがみの コードを もういちど みて ください。
code_used_body = この アクセスコードの こたえは もう もらって います。こたえるのは ひとり 1かいです。ありがとう ございました。
code_required_title = この アンケートは アクセスコードで こたえます
code_required_body = いえに おくった てがみの QRコードを よむか、てがみに かいて ある アクセスコードを いれて ください。
code_entry_link = アクセスコードを いれる
open_answer_note = てがみを もらった ひとは、てがみの QRコードか アクセスコードから こたえて ください。えらばれた ひとの こたえとして かぞえるためです。
too_many_attempts_title = すこし まってから やって ください
too_many_attempts_body = みじかい じかんに たくさんの コードが いれられました。すこし まってから、もういちど いれて ください。

## Published results
results_title = { $title }の けっか
results_lead = すいたしの デジタル せいさくの 5つの めあて（ビジョン）に ついて、アンケートの けっかを 0てんから 100てんで あらわします。てんが たかいほど「できて いる」と おもう ひとが おおいです。
results_chart_title = めあて（ビジョン）ごとの てん（0〜100）
results_table_caption = { $title }：めあてごとの てんと こたえた ひとの かず
results_change_caption = まえの アンケートと くらべて どう かわったか
results_vision = めあて（ビジョン）
results_respondents = こたえた ひと
results_score = てん
results_ci = 95% しんらい くかん
results_top2 = 「そう おもう」と こたえた ひとの わりあい
results_suppressed = みせません
results_meta = こたえの かず：{ $responses }／だした ひ：{ $date }
results_fewer_than = { $min }より すくない
results_by_channel = （ゆうびん { $paper }、インターネット { $online }）
results_series = { $year }ねんどの アンケート
results_chart_item = { $name }：{ $figures }。
results_method_title = けいさんの しかた
results_method_1 = それぞれの もんだいに「1 まったく そう おもわない」から「5 とても そう おもう」までの 5つから えらんで こたえて もらいました。「わからない」と こたえなかった もんだいは けいさんに いれません。
results_method_2 = ひとりずつ、その めあての こたえの へいきんを 0〜100てんに します。けいさんは (へいきん − 1) ÷ 4 × 100 です。めあての てんは、みんなの てんの へいきんです。その めあての もんだいに ひとつも こたえて いない ひとは かぞえません。
results_method_3 = 95% しんらい くかんは、ほんとうの てんが だいたい はいる はんいです。「そう おもう」の わりあいは、「すこし そう おもう」「とても そう おもう」と こたえた わりあいです。
results_method_4 = こたえた ひとが すくないと、だれが どう こたえたか わかって しまうかも しれません。だから、こたえた ひとが { $min }にんより すくない めあては、かずを みせません。
results_method_5 = かずは、けっかを だした ときまでの こたえで けいさんしました。そのあとに とどいた こたえは はいって いません。
results_download_title = オープンデータ
results_download = { $title }：めあてごとの てん（CSV、UTF-8）
results_change = かわった てん（あと − まえ）と 95% しんらい くかん
results_change_note = かわった てんは、あとの アンケートの てんから まえの アンケートの てんを ひいた ものです。↑（あがった）・↓（さがった）は、けいさんで はっきり かわったと いえる ときだけ つけて います。ほかの ちがいは、アンケートの ごさの なかです。
results_outline_title = アンケートに ついて
results_outline_population = だれに きいたか
results_outline_method = えらびかた
results_outline_mailed = おくった てがみの かず
results_outline_returned = もどってきた 用紙の かず
results_outline_valid = こたえの かず
results_outline_rate = こたえた ひとの わりあい
results_outline_rate_value = { $rate }%
results_outline_rate_undeliverable = { $rate }%（とどかなかった てがみ { $undeliverable }つうを のぞく）
results_outline_period = アンケートの きかん
results_not_significant = はっきりした ちがいは ない

## E-mail invitations and reminders
mail_invitation_subject = すいたしから：デジタル せいさくの アンケートに こたえて ください
mail_reminder_subject = すいたしから：アンケートに こたえて ください（もういちど おしらせします）
mail_invitation_lead = すいたしは デジタルの しごとに ついて、みなさんの いけんを ききたいです。「{ $title }」に こたえて ください。
mail_reminder_lead = まえに おしらせした「{ $title }」に まだ こたえて いない ひとに おくって います。こたえて ください。
mail_link_label = ここから こたえて ください（あなただけの リンクです。1かいだけ こたえられます）：
mail_anonymity_1 = こたえは だれの ものか わからないように して しまいます。なまえや メールアドレスは いっしょに しまいません。
mail_anonymity_2 = この リンクは、ひとり 1かいだけ こたえるために つかいます。こたえと あなたを むすびつけるものは のこりません。
mail_anonymity_3 = アンケートが おわったら、メールアドレスは けします。
mail_opt_out_label = この メールが いらない ひとは、ここで とめることが できます：
mail_signature = すいたし
mail_bullet = ・{ $item }

## The evaluation of the visions
eval_title = めあて（ビジョン）の ひょうか
eval_lead = すいたしの デジタル せいさく（2024〜2028ねんど）の めあてごとに、もくひょうと くらべて どのくらい すすんだかを きめました。しが これから どう するか と、みなさんの おもな いけんも のせて います。みかたは ひょうの したに あります。
eval_caption = { $title }：めあての ひょうか
eval_col_vision = めあて（ビジョン）
eval_col_indicator = はかる もの（しひょう）
eval_col_baseline = はじめの かず（どこの かずか）
eval_col_target = もくひょう
eval_col_value = こんかいの かず（95% しんらい くかん）
eval_col_achievement = どこまで すすんだか
eval_col_grade = ひょうか
eval_col_direction = これから
eval_col_opinions = みなさんの おもな いけん
eval_target_by = { $target }（{ $year }ねんど）
eval_expected = いまの じきの みこみ：{ $expected }
eval_ci_range = （{ $low }〜{ $high }）
eval_respondents = こたえた ひと { $n }にん
eval_direction_continue = つづける
eval_direction_improve = よく する
eval_direction_review = みなおす
eval_direction_none = まだ きめて いない
eval_legend_title = ひょうかの みかた
eval_opinions_link = のせている みなさんの いけん：{ $n } こ
eval_download = { $title }：めあての ひょうか（CSV、UTF-8）
eval_measure_vision_score = めあての てん
eval_measure_vision_top2 = 「そう おもう」と こたえた ひとの わりあい
eval_measure_item_score = 「{ $item }」の てん
eval_measure_item_top2 = 「{ $item }」に「そう おもう」と こたえた ひとの わりあい
eval_weighted_name = { $name }（すんで いる ひとの かずに あわせて なおした かず）
eval_grade_s = S
eval_grade_a = A
eval_grade_b = B
eval_grade_c = C
eval_grade_steady = じゅんちょう
eval_grade_fair = だいたい じゅんちょう
eval_grade_improve = よく する ひつようが ある
eval_grade_none = −
eval_rule_nagayo = S〜C（はじめの かずと くらべる）：はじめの かずから、きめた はば（はじめの かずの ±なん%）より おおきく かわったかで きめます。
eval_legend_nagayo_s = S：もくひょうに とどいた
eval_legend_nagayo_a = A：もくひょうには とどかないが、はばより おおきく あがった
eval_legend_nagayo_b = B：はばの なか（あまり かわらない）
eval_legend_nagayo_c = C：はばより おおきく さがった
eval_rule_progress = じゅんちょう・だいたい じゅんちょう・よく する ひつようが ある（もくひょうまで どこまで すすんだか）：はじめの かずから もくひょうまでの うち どこまで すすんだかを、いまの じきの みこみと くらべます。
eval_legend_progress_steady = じゅんちょう：みこみの 100% いじょう
eval_legend_progress_fair = だいたい じゅんちょう：みこみの 60% いじょう 100% より した
eval_legend_progress_needs_improvement = よく する ひつようが ある：みこみの 60% より した
eval_rule_interval = S〜C（アンケートの ごさを かんがえる）：はじめの かずからの かわりかたの 95% しんらい くかんに 0が はいらない ときだけ「かわった」と します。
eval_legend_interval_s = S：はっきり あがって、もくひょうにも とどいた
eval_legend_interval_a = A：はっきり あがった（もくひょうには まだ とどかない）
eval_legend_interval_b = B：かわりかたは ごさの なか
eval_legend_interval_c = C：はっきり さがった
eval_legend_none = −：はかれない（こたえた ひとが すくなくて かずを みせない、はじめの かずが ない など）
eval_reason_no_figure = この アンケートでは、この もんだいに こたえた ひとが いませんでした。
eval_reason_suppressed = こたえた ひとが { $min }にんより すくないので、かずを みせません。
eval_reason_no_weights = すんで いる ひとの かずの データが ないので、なおした かずを けいさんできません。
eval_reason_baseline_missing = はじめの かずに する { $wave }の かずが ありません。
eval_reason_baseline_not_published = はじめの かずに する { $wave }の けっかは まだ だして いません。
eval_reason_baseline_suppressed = はじめの かずに する { $wave }で こたえた ひとが { $min }にんより すくないので、くらべられません。
eval_reason_is_baseline = この アンケートの かずが はじめの かずです。つぎの アンケートで ひょうかします。
eval_reason_baseline_later = はじめの かずの アンケートが この アンケートより あとなので、ひょうかできません。
eval_reason_no_gap = もくひょうが はじめの かずより たかく ないので、どこまで すすんだか けいさんできません。
eval_reason_no_expected_share = いまの じきの みこみが きまって いないので、ひょうかできません。
eval_reason_no_interval = こたえた ひとが すくないか、こたえが みんな おなじなので、95% しんらい くかんを けいさんできません。
eval_reason_reached_target = こんかいの かず { $value }は、もくひょう { $target }に とどきました。
eval_reason_above_band = こんかいの かず { $value }は、はじめの かず { $baseline }の ±{ $band }%（{ $low }〜{ $high }）より うえですが、もくひょう { $target }には とどいて いません。
eval_reason_within_band = こんかいの かず { $value }は、はじめの かず { $baseline }の ±{ $band }%（{ $low }〜{ $high }）の なかです。
eval_reason_below_band = こんかいの かず { $value }は、はじめの かず { $baseline }の ±{ $band }%（{ $low }〜{ $high }）より したです。
eval_reason_steady = { $achievement } すすみました。いまの じきの みこみ { $expected }の { $progress }です（100% いじょう）。
eval_reason_fair = { $achievement } すすみました。いまの じきの みこみ { $expected }の { $progress }です（60% いじょう 100% より した）。
eval_reason_improve = { $achievement } すすみました。いまの じきの みこみ { $expected }の { $progress }です（60% より した）。
eval_reason_significant_reached = はじめの かずからの かわりかた { $change }（95% しんらい くかん { $ci_low }〜{ $ci_high }）に 0が はいらないので、はっきり あがりました。もくひょう { $target }にも とどきました。
eval_reason_significant_up = はじめの かずからの かわりかた { $change }（95% しんらい くかん { $ci_low }〜{ $ci_high }）に 0が はいらないので、はっきり あがりました。
eval_reason_reached_not_significant = こんかいの かず { $value }は もくひょう { $target }に とどきましたが、かわりかた { $change }（95% しんらい くかん { $ci_low }〜{ $ci_high }）に 0が はいるので、ごさの なかです。
eval_reason_no_significant_change = はじめの かずからの かわりかた { $change }（95% しんらい くかん { $ci_low }〜{ $ci_high }）に 0が はいるので、ごさの なかです。
eval_reason_significant_down = はじめの かずからの かわりかた { $change }（95% しんらい くかん { $ci_low }〜{ $ci_high }）に 0が はいらないので、はっきり さがりました。

## ほうこくしょの まとめ（やさしい にほんご）
summary_title = { $title }：けっかの まとめ
summary_made_on = つくった ひ：{ $date }
summary_internal = しやくしょの なかで つかう しりょうです（まだ みんなに だして いない かずが あります）
summary_outline = アンケートの やりかたと こたえた ひとの かず
summary_period = アンケートの きかん
summary_distributed = アンケートを おくった かず
summary_valid = こたえが とどいた かず
summary_rate = こたえが とどいた わりあい
summary_channels = こたえかた
summary_channel = { $channel } { $n }
summary_channel_paper = ゆうびん（かみ）
summary_channel_web = インターネット
summary_channel_email = メールの あんないから
summary_channel_online = インターネット
summary_list_separator = 、
summary_findings = おもな けっか
summary_highest = いちばん てんが たかかった めあては「{ $vision }」（{ $score }てん）です。
summary_lowest = いちばん てんが ひくかった めあては「{ $vision }」（{ $score }てん）です。
summary_evaluation = めあてごとの ひょうかと これから
summary_evaluation_none = もくひょうと くらべた ひょうかは まだ ありません。
summary_portfolio = まんぞくと たいせつさ
summary_free_text = じゆうに かいた いけん
summary_free_text_none = じゆうに かく もんだいは ありませんでした。
summary_free_text_count = { $n }にんが かきました
summary_more = くわしい けっかは、ほうこくしょと すいたしの ホームページで みる ことが できます。

# The postal letter (codes sheet): one line per language besides Japanese and English.
letter_other_language = この アンケートは、やさしい にほんごでも こたえられます。QRコードを よんでから、「ことば（Language）」で「やさしい にほんご」を えらんで ください。

# The public comments page (src/web/resident/comments.rs).
comments_link = この アンケートに よせられた いけん
comments_title = { $title }：みなさんの いけん
comments_lead = みなさんが 書いた いけんの 中から、市の 人が 2人で 読んで、のせて よいと きめた ものを、テーマごとに のせています。名前などは かくしています。
comments_anonymity = いけんの となりに、年れい・すんでいる ところ・せいべつ・答えた 日などは のせません。ならび方は 文の じゅんばんで、答えた じゅんばんでは ありません。
comments_other = そのほか
comments_summary_mark = ［市が まとめた もの］
comments_none = のせている いけんは まだ ありません。
comments_back = けっかの ページへ もどる
comments_code_count = この テーマの いけん：{ $n } こ
comments_code_count_hidden = この テーマの いけん：{ $min } こより 少ないので かずは のせません
