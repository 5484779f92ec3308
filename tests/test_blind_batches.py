"""Batches of posts written blind: by people who never saw the rules, the model or the data.

Held out (`HELD_OUT`): measured once right after they were written, and never trained or tuned on.
The floors sit just under the figures measured then, so that the estimate of how the scorer does
on unseen posts cannot silently get worse. They are not targets: tuning to them would make them
meaningless, which is why these files are excluded from training (scripts/train_model.sh skips
every *holdout* file) and why nothing here names a post.

Tuned on (`TUNED`): measured once on the commit before they were added, then tuned on (and, from
the next model, trained on). Their floors keep the tuned figures from slipping; each blind figure
is kept here because it is the honest one.

v4, blind (rules 2026.12, model 2026.12.03, commit eb62b04):
    scams 69/80 medium or high, 58 high; hard negatives 7/80 medium or high, 4 high.
  After the rules written from it (quotes holding apostrophes, family warnings, friend-request
  notes, "the only real me", platform loopholes, "guaranteed 4%", pinyin with tone marks, retold
  comments, English insider tips):
    scams 72/80, 62 high; hard negatives 5/80, 1 high.

v5, blind (rules 2026.12.1, model 2026.12.03, commit 4379bf6). It leans toward how real text
reads: Instagram shill comments, stock SMS, long news and police reports, normal comments:
    scams 73/80 medium or high, 64 high; hard negatives 4/80 medium or high, 3 high.
  After the rules written from it (a signal that starts inside a quote is the quote's; "要你加微信"
  is retold, not asked; "how to tell it is a scam"; first-person losses and "reported" framing in
  English; bopomofo dropped; o for 0 in numbers; a bare international number; tg @handle; ids in
  Chinese numerals after @; "can't post it here"; "say Jude sent you"; a backup account; send-
  and-get-back without "and"; following someone's 点位; the analyst uncle; "start small"):
    scams 80/80, 78 high; hard negatives 0/80.
  After model 2026.12.04, trained on it: scams 80/80, 79 high; hard negatives 0/80.

v7, blind (rules 2026.12.2, model 2026.12.04, commit 9150b8d). Testimonials and shill comments,
recovery offers, exchange sign-up codes, romance openers, stock-group notices, heavily
obfuscated contacts:
    scams 65/80 medium or high, 52 high; hard negatives 3/80 medium or high, 1 high.
  After the rules written from it (rules 2026.12.3, no retrain: a keyword texted to a number;
  site mail as a private message; QQ with spaced letters; t.me spelled out; amounts in pinyin;
  a helper's WeChat, "same name on the green app", the assistant who signs you up; the answer
  "in the profile" or the address "in the first comment"; the code word to say in the DM;
  payouts counted and debts finally cleared; a portfolio doubled, "$X into $Y"; a relative at a
  fund; sign-up codes with deposit bonuses; unfreezing for a success fee, 出黑, fees waived up
  front; the address that "returns double"; 保证不亏/全额补偿; the wrong-number opener; quoted
  pitches up to 200 characters; "walk away" as anti-scam advice):
    scams 78/80, 74 high; hard negatives 1/80, 0 high.
  After zhuyin words read (ㄌㄞˋ for 賴) and model 2026.12.05, trained on it:
    scams 80/80, 75 high; hard negatives 0/80.

v9, blind (rules 2026.12.3, model 2026.12.05, commit f0a5fa1). English only, 80 scams and 60
hard negatives: account-manager and broker openers, task-scam jobs, recovery desks, pay-to-
withdraw notices, signal and pump groups, testimonials, doubling events, loan-to-investment
pitches in Nigerian and Philippine English, obfuscated contacts; negatives that ask whether a
quoted pitch is legit:
    scams 63/80 medium or high, 50 high; hard negatives 2/60 medium or high, 1 high.
  After the rules written from it (rules 2026.12.4, no retrain: the task scam and a remote job
  paid per hour; ethical hackers, recovery teams, unfreezing, pay only after release; a profit
  held back until an upgrade or tax is paid; pools and bots that pay daily, rates per 24 hours,
  amounts spelled in words; "I will manage your portfolio", "we trade it for you", your broker
  NAME from FIRM, "we noticed you registered interest"; exclusivity as pressure; paid tiers
  and a free first week; coordinated buying;
  pips and win/loss tallies; a code word to DM, an underscore handle on an app, "search X on
  telegram", the trader "in my bio", e-mail written with (at)/(dot), "leave your WhatsApp
  number"; coin "double events"; a relative at an exchange who shares signals; asking whether
  an offer is legit, a message forwarded to ask about it; letters with a stroke, Ɍ ƀ ɨ, folded):
    scams 80/80, 78 high; hard negatives 0/60.
  After model 2026.12.06, trained on it: scams 80/80, 79 high; hard negatives 0/60.

v11, blind (rules 2026.12.4, model 2026.12.06, commit 1a92e75). English only, 80 scams and 60
hard negatives, 16 and 12 of them code-mixed (Taglish, Hinglish, Pidgin, Malay-English,
Spanglish):
    scams 72/80 medium or high, 58 high; hard negatives 2/60 medium or high, 1 high.
  After the rules written from it (rules 2026.12.5, no retrain: code-mixed pitches - "no risk",
  rates per period, daily income, stake-and-return and "link bio" in Taglish, Hinglish, Malay and
  Pidgin, and the verb with its particle ("dm karo", "pm saya"); a pitch that denies being a scam,
  which no longer counts as calling it one; shill replies that name the handle after the app, a
  titled helper "till I found" or their named program, someone who manages my portfolio, payouts
  counted and "pulled out" sums, a sum that "becomes" a bigger one; "let me manage your account",
  trading on your account for you, "I'll connect you with her"; pay per task or like; trading
  robots and "no need to watch the charts"; free now, paid soon; "serious clients only", "first
  300 only"; premium groups, call streaks, "sent it 400%", a multiple on the call; an address
  named for recovery; a relative's guidance; the wrong-number opener that turns friendly and the
  number "saved from" an event, "my id is @", the app "easier for me"; and for readers: "does anyone
  fall for this", "if a stranger DMs you ..., block", "is bait", "got this DM"):
    scams 80/80, 80 high; hard negatives 0/60, 0 high.
  After model 2026.12.07, trained on it: scams 80/80, 80 high; hard negatives 0/60.

v14 (Chinese, 90 scams and 70 hard negatives, 43% traditional) and v15 (English, 80 scams and 60
hard negatives, some code-mixed), blind (rules 2026.12.5, model 2026.12.07, commit 2ed9bb6):
    v14: scams 63/90 medium or high, 52 high; hard negatives 2/70 medium or high, 0 high.
    v15: scams 48/80 medium or high, 33 high; hard negatives 2/60 medium or high, 1 high.
  After the rules written from them (rules 2026.12.6; v14: fake subsidies, fees to withdraw,
  buy-backs, gift rebates, LINE/WhatsApp contacts, doubt and loss cues; v15: pre-IPO offers,
  loans to trade, binary options, account handover, fixed odds, gifting circles, "selected for"
  pitches, refunded losses, high fixed rates, pension release, task sets, withdrawal holds,
  symbols drawn as letters, handles spelled in words, apps named by their icon), no retrain:
    v14: scams 88/90, 81 high; hard negatives 0/70.   v15: scams 67/80, 55 high; 0/60.
  After model 2026.12.08, trained on them (cuts medium 0.83, high 0.92):
    v14: scams 90/90, 87 high; hard negatives 0/70.   v15: scams 75/80, 67 high; 0/60.

v18 (English) and v19 (Chinese), 80 scams and 60 hard negatives each, and v20 (100 Chinese
hard negatives: news reports, police and bank notices, court verdicts, victims' accounts that
retell a scam's script), blind (rules 2026.12.6, model 2026.12.08, commit 52407c2):
    v18: scams 47/80 medium or high, 40 high; hard negatives 2/60 medium or high, 1 high.
    v19: scams 59/80 medium or high, 57 high; hard negatives 3/60 medium or high, 2 high.
    v20: 3/100 medium or high, 2 high.
v21 (English) and v22 (Chinese), 80 scams and 60 hard negatives each, blind (the v18-v20 rules,
model 2026.12.08, commit dc7cefc):
    v21: scams 45/80 medium or high, 36 high; hard negatives 3/60 medium or high, 2 high.
    v22: scams 59/80 medium or high, 50 high; hard negatives 1/60 medium or high, 0 high.
  After the rules written from them (rules 2026.12.6 continued; see the commits) and model
  2026.12.09, trained on them (cuts medium 0.81, high 0.91):
    v18: 80/80, 70 high; 0/60.   v19: 80/80, 80 high; 0/60.   v20: 0/100.
    v21: 80/80, 70 high; 0/60.   v22: 80/80, 75 high; 0/60.
  v14 and v15 after model 2026.12.09: v14 90/90, 87 high; v15 79/80, 72 high; negatives 0.

v23 (English, 80 scams of 48 kinds and 60 hard negatives), blind (commit 6c4e7dd, model
2026.12.09): scams 59/80 medium or high, 45 high; hard negatives 2/60 medium or high, 1 high.
  After the rules written from it (no retrain): scams 65/80, 51 high; negatives 0/60.
  After model 2026.12.10, trained on it (cuts medium 0.83, high 0.92): scams 78/80, 72 high;
  negatives 0/60. The other tuned batches then: v14 90/90 (87 high), v15 79/80 (73), v18 80/80
  (72), v19 80/80 (80), v21 80/80 (72), v22 80/80 (75), v20 0/100; negatives 0 in each.

v24 and v25 (English, 80 scams and 60 hard negatives each; v25 heavy on look-alikes and on
warnings that quote a script word for word), blind (commit 00f6bfa, rules 2026.12.7, model
2026.12.10):
    v24: scams 58/80 medium or high, 53 high; hard negatives 3/60 medium or high, 2 high.
    v25: scams 64/80 medium or high, 57 high; hard negatives 5/60 medium or high, 5 high.
  After the rules written from them (rules 2026.12.8, no retrain): v24 69/80, 60 high, negatives
  1/60 (1 high); v25 75/80, 70 high, negatives 2/60 (1 high).
  After model 2026.12.11, trained on them (C 40, cuts medium 0.84, high 0.92; the warning clauses
  of a post that addresses the reader are no longer read by the model): v24 79/80, 75 high;
  v25 80/80, 78 high; negatives 0/60 in each. The other tuned batches then: v14 90/90 (88 high),
  v15 80/80 (74), v18 80/80 (74), v19 80/80 (80), v21 80/80 (76), v22 80/80 (78), v23 79/80
  (77), v20 0/100; negatives 0 in each.

v27 and v28 (English, 80 scams and 60 hard negatives each; v27 short replies, Discord and
Telegram, many countries' voices; v28 romance turns, fake support, fake news ads, MLM, older
writers), blind (commit 195bcce, rules 2026.12.8, model 2026.12.11):
    v27: scams 52/80 medium or high, 44 high; hard negatives 0/60.
    v28: scams 61/80 medium or high, 58 high; hard negatives 3/60 medium or high, 3 high.
  After the rules written from them (rules 2026.12.9, no retrain): v27 67/80, 61 high; v28 71/80,
  68 high; negatives 0/60 in each.
  After model 2026.12.12, trained on them (C 40, cuts medium 0.84, high 0.92): v27 80/80, 74
  high; v28 80/80, 78 high; negatives 0/60. The other tuned batches then: v14 90/90 (88 high),
  v15 80/80 (77), v18 80/80 (75), v19 80/80 (80), v21 80/80 (77), v22 80/80 (79), v23 79/80
  (78), v24 80/80 (76), v25 80/80 (80), v20 0/100; negatives 0 in each.

v30 (English, 80 scams and 60 hard negatives; comment threads: testimonials crediting a handle,
recovery replies, "I'm paying the first 5", and the ordinary comments and mockery around them),
blind (commit 3ce0c49, rules 2026.12.9, model 2026.12.12): scams 62/80 medium or high, 57 high;
hard negatives 3/60 medium or high, 2 high (all three mock a quoted pitch).
  After the rules written from it (rules 2026.12.10, no retrain): scams 74/80, 68 high; 0/60.
  After model 2026.12.13, trained on it (C 35, cuts medium 0.84, high 0.92): 80/80, 76 high;
  0/60. The other tuned batches then: v14 90/90 (88 high), v15 80/80 (77), v18 80/80 (76), v19
  80/80 (80), v21 80/80 (75), v22 80/80 (78), v23 79/80 (77), v24 80/80 (75), v25 80/80 (79),
  v27 80/80 (75), v28 80/80 (77); negatives 0 in each.
"""

from __future__ import annotations

import pytest

import warnlib
from tests.conftest import BatchFloors, check_batch_floors

# v3-holdout (200 posts, 100 scam, 100 hard negatives; zh, traditional zh and en; 30 scams
# heavily obfuscated). Measured once on the commit that added it (model 2026.12.01):
#   scams 86/100 medium or high, 67 high; negatives 10/100 medium or high, 4 high.
# After model 2026.12.03 (more training data and rules, none written from this batch):
#   scams 88/100, 68 high; negatives 10/100, 6 high - the two extra at 0.945 and 0.949,
#   under the high cut of 0.94 the search chose (at 0.95, as in the first retrain, 4 high).
# After the rules written from the v4 batch (none from this one; no retrain):
#   scams 89/100, 70 high; negatives 10/100, 6 high.
# After the v5 rules and model 2026.12.04 (which does not read retold words; none of it
# written from this batch):
#   scams 90/100, 75 high; negatives 6/100, 2 high.
# After the v7 rules and model 2026.12.05 (medium cut 0.79, up from 0.78, for Cofacts' 0.2%):
#   scams 88/100, 75 high; negatives 4/100, 2 high.
# After the v9 English rules and model 2026.12.06 (medium 0.80):
#   scams 89/100, 76 high; negatives 4/100, 2 high.
# After the v11 English rules and model 2026.12.07 (medium 0.81): scams 89/100, 75 high;
#   negatives 4/100, 1 high.
#
# v6-holdout (160 posts, 80 scam, 80 hard negatives; 48 Chinese of which 14 traditional, 32
# English each; 25 scams obfuscated; about 28 negatives retell two or more scam steps).
# Written blind and measured once on the commit before it was added (a8920e4, rules
# 2026.12.2, model 2026.12.04); never tuned on or trained on:
#   scams 67/80 medium or high, 62 high; negatives 1/80 medium or high, 0 high.
# After the v7 rules and model 2026.12.05 (still never tuned on; its misses were never read):
#   scams 69/80, 63 high; negatives 1/80, 0 high.
# After the v9 English rules and model 2026.12.06: scams 71/80, 65 high; negatives 0/80.
# After the v11 English rules and model 2026.12.07: scams 70/80, 66 high; negatives 0/80.
#
# v8-holdout (160 posts, 80 scam, 80 hard negatives; 48 Chinese of which 14 traditional, 32
# English each; about 26 scams obfuscated; about 28 negatives retell two or more scam steps;
# written as people type: slang, typos, hashtags, mixed languages). Written blind and measured
# once on the commit before it was added (97f0060, rules 2026.12.3, model 2026.12.05); never
# tuned on or trained on:
#   scams 69/80 medium or high (Chinese 46/48, English 23/32), 63 high; negatives 2/80 medium
#   or high, 1 high.
# After the v9 English rules and model 2026.12.06 (never tuned on; misses never read):
#   scams 70/80, 63 high; negatives 2/80, 1 high.
# After the v11 English rules and model 2026.12.07: scams 69/80, 63 high; negatives 1/80, 1 high.
#
# v10-holdout (140 posts, English only: 80 scams, 28 of them obfuscated, and 60 hard negatives:
# warnings that quote a pitch, news, victims, "is this legit?" with the message pasted, trading
# talk, small businesses with a WhatsApp number, giveaways of things). Written blind and measured
# once on the commit before it was added (1a92e75, rules 2026.12.4, model 2026.12.06); never
# tuned on or trained on:
#   scams 70/80 medium or high, 62 high; negatives 1/60 medium or high, 1 high.
# After the v11 English rules and model 2026.12.07 (never tuned on; misses never read):
#   scams 69/80, 63 high; negatives 1/60, 1 high.
#
# v12-holdout (120 posts, English only: 60 scams, 20 of them obfuscated, 10 code-mixed, and 60
# hard negatives; comment threads, X replies, Reddit, Telegram channels, SMS and LinkedIn DMs)
# and v13-holdout (120 posts, Chinese only: 60 scams, 20 obfuscated, and 60 hard negatives; 36
# of each in simplified Chinese, 24 in traditional from Taiwan and Hong Kong). Written blind
# and measured once on the commit before they were added (4683219, rules 2026.12.5, model
# 2026.12.07); never tuned on or trained on:
#   v12: scams 46/60 medium or high, 39 high; negatives 0/60.
#   v13: scams 52/60 medium or high, 45 high; negatives 2/60 medium or high, 1 high.
#
# v16-holdout (120 posts, Chinese: 60 scams, 20 obfuscated, 60 hard negatives; 40% traditional)
# and v17-holdout (120 posts, English: 60 scams, 20 obfuscated, 60 hard negatives), written blind
# at the start of the session that wrote v14-v22 and measured once at its end, on d5dcff7 (rules
# 2026.12.6 with everything written from v14-v22, model 2026.12.09); never read, tuned or
# trained on:
#   v16: scams 56/60 medium or high, 54 high; negatives 0/60.
#   v17: scams 44/60 medium or high, 38 high; negatives 0/60.
# The older held-out sets on the same commit (never tuned on; misses never read):
#   v3 91/100, 79 high, negatives 4, 1 high;  v6 71/80, 67 high, 0;  v8 71/80, 70 high, 1, 1 high;
#   v10 72/80, 69 high, 1, 1 high;  v12 50/60, 46 high, 0;  v13 55/60, 50 high, 2, 1 high.
# After the v23 English rules and model 2026.12.10 (4342b9f; still never read, tuned or trained on):
#   v16 56/60, 53 high, 0;  v17 45/60, 40 high, 0;  v3 93/100, 80 high, 4, 1 high;  v6 71/80, 68
#   high, 0;  v8 73/80, 71 high, 1, 1 high;  v10 72/80, 70 high, 1, 1 high;  v12 51/60, 47 high, 0;
#   v13 55/60, 51 high, 2, 1 high;  zh-holdout 166/184, 155 high, 1, 0 high.
#
# v26-holdout (120 posts, English: 60 scams of every kind, register and obfuscation, and 60 hard
# negatives), written blind with v24 and v25 and never read, tuned or trained on. Measured on
# 00f6bfa (before the v24/v25 rules): scams 37/60 medium or high, 35 high; negatives 1/60, 1 high.
# After the v24/v25 rules and model 2026.12.11 (the commit that added it):
#   v26 44/60, 36 high, 1, 1 high;  v17 46/60, 41 high, 0;  v16 56/60, 54 high, 0;  v12 52/60,
#   46 high, 0;  v13 54/60, 52 high, 2, 1 high;  v10 72/80, 70 high, 1, 1 high;  v8 73/80, 71
#   high, 1, 1 high;  v6 72/80, 67 high, 0;  v3 90/100, 81 high, 5, 2 high;  zh-holdout 166/184,
#   156 high, 1, 0 high;  v2 81/90, 75 high, 1, 0 high.
#
# v29-holdout (120 posts, English: 60 scams of 60 kinds, about 23 obfuscated, and 60 hard
# negatives), written blind with v27 and v28 and never read, tuned or trained on:
#   on 00f6bfa (rules 2026.12.7, model 2026.12.10): scams 48/60, 43 high; negatives 3/60, 1 high;
#   on 195bcce (rules 2026.12.8, model 2026.12.11): scams 51/60, 46 high; negatives 2/60, 1 high.
# After the v27/v28 rules and model 2026.12.12 (the commit that added it):
#   v29 54/60, 46 high, 2, 1 high;  v26 47/60, 37 high, 1, 1 high;  v17 44/60, 43 high, 0;  v16
#   56/60, 54 high, 0;  v12 52/60, 50 high, 0;  v13 54/60, 52 high, 2, 1 high;  v10 72/80, 70 high,
#   1, 1 high;  v8 72/80, 71 high, 1, 1 high;  v6 72/80, 69 high, 0;  v3 90/100, 83 high, 5, 2
#   high;  zh-holdout 165/184, 157 high, 2, 0 high;  v2 81/90, 75 high, 1, 0 high.
#
# v31-holdout (140 posts, English: 80 scams that avoid the obvious words (soft invitations, links,
# QR codes, professional-sounding offers, fake apps, task jobs) and 60 hard negatives that are
# legitimate offers and warnings), written blind with v30 and never read, tuned or trained on.
# Measured on 3ce0c49 (rules 2026.12.9, model 2026.12.12): scams 54/80, 48 high; negatives 0/60.
# After the v30 rules and model 2026.12.13 (the commit that added it):
#   v31 55/80, 48 high, 0;  v29 52/60, 47 high, 2, 1 high;  v26 47/60, 40 high, 1, 1 high;  v17
#   46/60, 43 high, 0;  v16 56/60, 54 high, 0;  v12 52/60, 48 high, 0;  v13 55/60, 52 high, 2, 1
#   high;  v10 74/80, 71 high, 1, 1 high;  v8 72/80, 71 high, 1, 1 high;  v6 72/80, 70 high, 0;
#   v3 91/100, 81 high, 4, 2 high;  zh-holdout 165/184, 158 high, 0;  v2 80/90, 75 high, 1, 0 high.
HELD_OUT = [
    BatchFloors("v3-holdout.jsonl", 100, scams_flagged=87, scams_high=70, negatives_flagged=8, negatives_high=3),
    BatchFloors("v6-holdout.jsonl", 80, scams_flagged=65, scams_high=59, negatives_flagged=2, negatives_high=0),
    BatchFloors("v8-holdout.jsonl", 80, scams_flagged=67, scams_high=60, negatives_flagged=3, negatives_high=1),
    BatchFloors(
        "v10-holdout.jsonl", 80, scams_flagged=68, scams_high=60, negatives_flagged=2, negatives_high=1, negatives=60
    ),
    BatchFloors("v12-holdout.jsonl", 60, scams_flagged=44, scams_high=37, negatives_flagged=1, negatives_high=0),
    BatchFloors("v13-holdout.jsonl", 60, scams_flagged=50, scams_high=43, negatives_flagged=3, negatives_high=1),
    BatchFloors("v16-holdout.jsonl", 60, scams_flagged=54, scams_high=52, negatives_flagged=1, negatives_high=0),
    BatchFloors("v17-holdout.jsonl", 60, scams_flagged=42, scams_high=36, negatives_flagged=1, negatives_high=0),
    BatchFloors("v26-holdout.jsonl", 60, scams_flagged=41, scams_high=33, negatives_flagged=2, negatives_high=1),
    BatchFloors("v29-holdout.jsonl", 60, scams_flagged=50, scams_high=42, negatives_flagged=3, negatives_high=1),
    BatchFloors(
        "v31-holdout.jsonl", 80, scams_flagged=51, scams_high=44, negatives_flagged=1, negatives_high=0, negatives=60
    ),
]

# Columns: file, scams, at least flagged, at least high, negatives at most flagged, at most high,
# and the number of negatives when it differs from the number of scams.
TUNED = [
    BatchFloors("v4-train.jsonl", 80, 71, 60, 5, 1),
    BatchFloors("v5-train.jsonl", 80, 78, 74, 1, 0),
    BatchFloors("v7-train.jsonl", 80, 79, 73, 1, 0),
    BatchFloors("v9-train.jsonl", 80, 79, 76, 1, 0, 60),
    BatchFloors("v11-train.jsonl", 80, 79, 78, 1, 0, 60),
    BatchFloors("v14-train.jsonl", 90, 89, 85, 1, 0, 70),
    BatchFloors("v15-train.jsonl", 80, 73, 64, 1, 0, 60),
    BatchFloors("v18-train.jsonl", 80, 78, 67, 1, 0, 60),
    BatchFloors("v19-train.jsonl", 80, 78, 77, 1, 0, 60),
    BatchFloors("v20-train.jsonl", 0, 0, 0, 1, 0, 100),  # only hard negatives: news, police, notices
    BatchFloors("v21-train.jsonl", 80, 78, 67, 1, 0, 60),
    BatchFloors("v22-train.jsonl", 80, 78, 72, 1, 0, 60),
    BatchFloors("v23-train.jsonl", 80, 76, 69, 1, 0, 60),
    BatchFloors("v24-train.jsonl", 80, 77, 71, 1, 0, 60),
    BatchFloors("v25-train.jsonl", 80, 78, 74, 1, 0, 60),
    BatchFloors("v27-train.jsonl", 80, 78, 70, 1, 0, 60),
    BatchFloors("v28-train.jsonl", 80, 78, 74, 1, 0, 60),
    BatchFloors("v30-train.jsonl", 80, 78, 72, 1, 0, 60),
]


@pytest.mark.parametrize("floors", HELD_OUT + TUNED, ids=[b.file for b in HELD_OUT + TUNED])
def test_blind_batch_keeps_its_floors(scorer: warnlib.Scorer, floors: BatchFloors) -> None:
    check_batch_floors(scorer, floors)
