"""Realistic synthetic support tickets with a known underlying issue per ticket.

    python bench/gen_tickets.py --rows 5 --seed 1      # print a few samples

Used by the theme-mining benchmarks (`bench/themes.py`). Each ticket is about exactly one
of ISSUES (the "true topic"), but it is written the way customers write: an optional
greeting, some context that says nothing about the problem, one or two ways of stating the
problem (several paraphrases per issue, sharing few words), supporting details with
slot values (devices, browsers, order numbers, amounts), generic filler that appears in
every issue ("this is urgent", "I already restarted"), an optional signature, and a few
typos. Issue frequencies follow a Zipf-like law, as real ticket queues do, so small
themes exist next to large ones. Bodies are 30-120 words.

Generation is a few string joins per ticket (about 10 µs), so a million tickets take
seconds, not minutes; `iter_tickets` streams, `generate` returns two lists.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator

# issue key -> (problem statements, supporting details). Paraphrases deliberately vary the
# vocabulary (e.g. "log in" / "sign in" / "access my account") so that a bag-of-words
# engine has to generalise rather than match one fixed phrase.
ISSUES: dict[str, tuple[list[str], list[str]]] = {
    "login_2fa": (
        [
            "I can't log in because the two-factor code never arrives.",
            "The SMS verification code is not coming through so I'm locked out.",
            "2FA code not received, cannot sign in to my account.",
            "I never get the one-time passcode when I try to sign in.",
        ],
        [
            "I waited ten minutes and requested the code {n} times.",
            "My phone number on file is correct.",
            "The authenticator text message just doesn't show up on my {device}.",
            "Other texts arrive fine, only the login code is missing.",
        ],
    ),
    "password_reset": (
        [
            "The password reset link in the email has expired before I can use it.",
            "Resetting my password doesn't work, the link says it is invalid.",
            "I clicked forgot password but the reset email link is broken.",
            "Cannot change my password, the reset page shows token expired.",
        ],
        [
            "I tried the reset link from {browser} and from my {device}.",
            "The email arrives but clicking the link gives an error.",
            "I requested a new reset link {n} times already.",
        ],
    ),
    "app_crash_launch": (
        [
            "The app crashes immediately when I open it.",
            "Since the latest update the application closes itself on startup.",
            "App keeps crashing on launch, I just see the splash screen then it quits.",
            "The mobile app force closes as soon as it starts.",
        ],
        [
            "I'm on a {device} with the newest version installed.",
            "Reinstalling the app did not stop the crash.",
            "It started right after the update on {date}.",
        ],
    ),
    "sync_calendar": (
        [
            "My calendar events are not syncing between devices.",
            "Appointments I add on the phone never show up on the desktop calendar.",
            "Calendar sync stopped working, events are missing on my laptop.",
            "The shared calendar does not update for my team members.",
        ],
        [
            "Sync worked fine until {date}.",
            "I tried pressing sync now several times on my {device}.",
            "Events created in {browser} do not appear in the app.",
        ],
    ),
    "billing_double_charge": (
        [
            "I was charged twice for my subscription this month.",
            "There are two identical payments on my credit card statement.",
            "You billed me double for the same invoice.",
            "My card got charged two times for one renewal.",
        ],
        [
            "Both charges are for {amount} on {date}.",
            "Please refund the duplicate payment.",
            "Invoice number {order} shows only one payment but the bank shows two.",
        ],
    ),
    "refund_status": (
        [
            "I'm still waiting for my refund.",
            "Where is my refund? It was approved weeks ago.",
            "The refund you promised has not reached my bank account.",
            "Money back for the cancelled order never arrived.",
        ],
        [
            "The refund of {amount} was confirmed on {date}.",
            "Your agent said it would take five business days.",
            "Order {order} was cancelled but I have not been reimbursed.",
        ],
    ),
    "cancel_subscription": (
        [
            "How do I cancel my subscription?",
            "I want to end my plan but there is no cancel button.",
            "Please stop my membership, I can't find where to unsubscribe.",
            "I need to terminate the subscription before it renews.",
        ],
        [
            "The plan renews on {date} and I don't want to be charged again.",
            "I looked in account settings but cancellation isn't there.",
        ],
    ),
    "shipping_delay": (
        [
            "My order hasn't arrived yet.",
            "The package is late, delivery was supposed to be last week.",
            "Tracking has said in transit for days and nothing has been delivered.",
            "Where is my parcel? It still hasn't shown up.",
        ],
        [
            "Order number {order} was shipped on {date}.",
            "The courier tracking page has not updated.",
            "I paid {amount} for express shipping.",
        ],
    ),
    "wrong_item": (
        [
            "I received the wrong item in my order.",
            "The product in the box is not what I ordered.",
            "You sent me a different size and colour than I bought.",
            "Got someone else's item instead of mine.",
        ],
        [
            "The packing slip says order {order}.",
            "I'd like an exchange for the correct product.",
            "Photos of the item I received are attached.",
        ],
    ),
    "damaged_item": (
        [
            "The item arrived damaged.",
            "My package came broken and the product is cracked.",
            "The box was crushed and the screen inside is shattered.",
            "What I received is defective and scratched.",
        ],
        [
            "I attached pictures of the damage.",
            "The courier left it at the door on {date}.",
            "Can you send a replacement for order {order}?",
        ],
    ),
    "export_csv": (
        [
            "Exporting my data to CSV fails.",
            "The export button produces an empty spreadsheet.",
            "When I download the report as CSV the file is corrupted.",
            "Data export times out and never finishes.",
        ],
        [
            "The report has about {n} thousand rows.",
            "I tried both {browser} and the desktop app.",
            "Excel says the exported file format is invalid.",
        ],
    ),
    "slow_performance": (
        [
            "The dashboard is extremely slow to load.",
            "Everything takes ages, pages load for a minute.",
            "Performance has become terrible, the app lags constantly.",
            "Loading my projects is painfully slow lately.",
        ],
        [
            "My internet connection is fast, other sites load instantly.",
            "It has been sluggish since {date} in {browser}.",
            "Sometimes it spins for {n} minutes before anything shows.",
        ],
    ),
    "notifications_missing": (
        [
            "I'm not getting any push notifications.",
            "Notifications stopped arriving on my phone.",
            "The app doesn't alert me about new messages anymore.",
            "Email notifications for mentions are not being sent.",
        ],
        [
            "Notifications are enabled in the settings of my {device}.",
            "I only see new messages when I open the app manually.",
        ],
    ),
    "feature_dark_mode": (
        [
            "Please add a dark mode.",
            "Could you make a dark theme? The white screen hurts my eyes at night.",
            "Feature request: night mode for the app.",
            "Any plans for a darker colour scheme?",
        ],
        [
            "Most apps on my {device} already support it.",
            "It would make working late much easier.",
        ],
    ),
    "integration_slack": (
        [
            "The Slack integration stopped posting messages.",
            "Our Slack channel no longer receives updates from your app.",
            "Connecting to Slack fails with an authorization error.",
            "Slack notifications from the integration are broken.",
        ],
        [
            "We reconnected the workspace on {date} but it didn't help.",
            "The webhook shows error code {n}.",
        ],
    ),
    "invoice_vat": (
        [
            "My invoice is missing the VAT number.",
            "I need an invoice with our company tax ID for accounting.",
            "The invoices don't show VAT, our accountant rejected them.",
            "How can I add my business address and VAT ID to invoices?",
        ],
        [
            "Invoice {order} was issued on {date}.",
            "We are a registered company in the EU.",
        ],
    ),
    "account_delete": (
        [
            "Please delete my account and all my data.",
            "I want my personal data erased under GDPR.",
            "How do I permanently remove my account?",
            "Close my account and wipe everything you store about me.",
        ],
        [
            "I no longer use the service.",
            "Please confirm by email once the deletion is done.",
        ],
    ),
    "upload_fails": (
        [
            "File upload fails with an error.",
            "I can't attach documents, the upload gets stuck at 99 percent.",
            "Uploading photos doesn't work anymore.",
            "Attachments larger than a few megabytes fail to upload.",
        ],
        [
            "The file is a {n} MB PDF.",
            "I tried in {browser} and on my {device}.",
        ],
    ),
    "search_broken": (
        [
            "Search doesn't return any results.",
            "The search bar finds nothing even for exact titles.",
            "Searching for old conversations returns the wrong items.",
            "Search results are empty since the update.",
        ],
        [
            "I typed the exact name of the project.",
            "Filtering by date also shows nothing since {date}.",
        ],
    ),
    "promo_code": (
        [
            "My discount code is not accepted at checkout.",
            "The promo code says invalid even though it hasn't expired.",
            "Coupon doesn't apply any discount to my order.",
            "The voucher from your newsletter gives an error.",
        ],
        [
            "The code should take {amount} off.",
            "The offer is valid until {date} according to the email.",
        ],
    ),
}

GREETINGS = [
    "Hi,",
    "Hello,",
    "Hi team,",
    "Hello support,",
    "Dear support team,",
    "Hey,",
    "Good morning,",
    "",
    "",
    "",
]
CONTEXT = [
    "I've been a customer for a couple of years.",
    "I'm writing on behalf of our small business.",
    "I use your product every day for work.",
    "This is my first time contacting support.",
    "I contacted you last week about something else.",
    "We recently upgraded to the premium plan.",
    "",
    "",
]
FILLER = [
    "This is quite urgent for me.",
    "I already tried restarting and logging out and back in.",
    "Can you please look into this as soon as possible?",
    "I'm getting really frustrated.",
    "Thanks in advance for your help.",
    "Let me know if you need any more information.",
    "I cleared the cache and cookies as suggested in your help center.",
    "Is there a known problem on your side?",
    "A colleague of mine has the same problem.",
    "I checked the FAQ but couldn't find an answer.",
    "Please get back to me today if possible.",
    "I really like the product otherwise.",
]
SIGNATURES = [
    "Thanks,\nAlex",
    "Best regards,\nMaria",
    "Cheers, Tom",
    "Kind regards,\nJ. Smith",
    "Sent from my iPhone",
    "Thank you!",
    "Regards, Priya",
    "",
    "",
    "",
]
SLOTS = {
    "{device}": [
        "iPhone 13",
        "Pixel 7",
        "Samsung Galaxy",
        "iPad",
        "Windows laptop",
        "MacBook",
        "Android tablet",
    ],
    "{browser}": ["Chrome", "Firefox", "Safari", "Edge"],
    "{date}": [
        "Monday",
        "Tuesday",
        "last Friday",
        "March 3rd",
        "the 14th",
        "yesterday",
        "the weekend",
    ],
}

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _fill(rng: random.Random, s: str) -> str:
    # Slots are rare (at most a couple per sentence), so str.replace checks are cheap.
    if "{" not in s:
        return s
    for slot, values in SLOTS.items():
        if slot in s:
            s = s.replace(slot, rng.choice(values))
    if "{n}" in s:
        s = s.replace("{n}", str(rng.randint(2, 40)))
    if "{amount}" in s:
        s = s.replace("{amount}", f"${rng.randint(5, 300)}.{rng.randint(0, 99):02d}")
    if "{order}" in s:
        s = s.replace("{order}", f"#{rng.randint(100000, 999999)}")
    return s


def _typos(rng: random.Random, text: str, k: int) -> str:
    # Character-level edits at random offsets (swap, drop, double, replace): cheaper than a
    # per-word loop and produces the same kinds of misspellings customers make.
    chars = list(text)
    for _ in range(k):
        i = rng.randrange(1, len(chars) - 2)
        if not chars[i].isalpha():
            continue
        op = rng.randrange(4)
        if op == 0:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif op == 1:
            del chars[i]
        elif op == 2:
            chars.insert(i, chars[i])
        else:
            chars[i] = rng.choice(_LETTERS)
    return "".join(chars)


def issue_weights(n_issues: int) -> list[float]:
    """Zipf-like weights: the biggest issue is ~6x the smallest."""
    return [1.0 / (r + 2) ** 0.7 for r in range(n_issues)]


def iter_tickets(
    n: int, seed: int = 0, min_words: int = 30, max_words: int = 120
) -> Iterator[tuple[str, str]]:
    """Yield (body, true issue key) for `n` tickets, deterministically for `seed`."""
    rng = random.Random(seed)
    keys = list(ISSUES)
    cum = []
    total = 0.0
    for w in issue_weights(len(keys)):
        total += w
        cum.append(total)
    for _ in range(n):
        key = rng.choices(keys, cum_weights=cum)[0]
        problems, details = ISSUES[key]
        target = rng.randint(min_words, max_words)
        parts = [rng.choice(GREETINGS), rng.choice(CONTEXT), rng.choice(problems)]
        n_words = sum(p.count(" ") + 1 for p in parts if p)
        # Alternate between details, fillers and (sometimes) a second phrasing of the
        # problem until the body reaches its target length: long tickets are long because
        # of explanation and noise, not because they repeat the key phrase.
        while n_words < target:
            r = rng.random()
            if r < 0.45:
                s = _fill(rng, rng.choice(details))
            elif r < 0.9:
                s = rng.choice(FILLER)
            else:
                s = rng.choice(problems)
            parts.append(s)
            n_words += s.count(" ") + 1
        parts.append(rng.choice(SIGNATURES))
        body = " ".join(p for p in parts if p)
        n_typos = min(4, int(rng.expovariate(1.0)))
        if n_typos:
            body = _typos(rng, body, n_typos)
        yield body, key


def generate(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Return (texts, true issue keys) for `n` tickets."""
    texts: list[str] = []
    topics: list[str] = []
    for body, key in iter_tickets(n, seed):
        texts.append(body)
        topics.append(key)
    return texts, topics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for body, key in iter_tickets(args.rows, args.seed):
        print(f"[{key}] {body}\n")


if __name__ == "__main__":
    main()
