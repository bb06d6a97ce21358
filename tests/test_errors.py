"""Every mistake a visit file can hold gets file:line:column, the field, what was found and a fix.

Each row changes one line of a valid file and states the exact message expected.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from generator.problems import Problem

BASE = """\
client:
  company: ACME GmbH
  country: DE
  relationship: customer
purpose: Audit
tier: C
owner: 李娜
arrival:
  at: 2026-12-08 09:30
departure:
  at: 2026-12-09 18:00
hotel: {name: Hilton, check_in: 2026-12-08, check_out: 2026-12-09}
visitors:
  - name: Hans Müller
    languages: [en]
hosts:
  - {name: 李娜, dept: sales, languages: [en]}
schedule:
  2026-12-08:
    - {at: "14:00", to: "15:00", what: Presentation, with: [李娜]}
checklist:
  - {task: Print, owner: sales, due: -2d}
"""

CASES = [
    # (id, old text, new text, expected first line of the report, expected fix)
    ("country-name", "country: DE", "country: Germany",
     "visit.yml:3:12: error [schema] client.country: found 'Germany', which is not a "
     "two-letter ISO 3166 country code. Did you mean 'DE'?",
     "write the country's two-letter code, e.g. DE, US, TR, AE"),
    ("country-lowercase-ok", "country: DE", "country: de", None, None),
    ("relationship-typo", "relationship: customer", "relationship: custmer",
     "visit.yml:4:17: error [schema] client.relationship: found 'custmer'. "
     "Did you mean 'customer'?",
     "use one of: customer, prospect, dealer, dealer-unsigned, supplier, government, other"),
    ("tier-unknown", "tier: C", "tier: E",
     "visit.yml:6:7: error [schema] tier: found 'E', which is not a tier of the reception "
     "policy.", "use one of: A, B, C, D"),
    ("missing-required", "purpose: Audit\n", "",
     "visit.yml:1:1: error [schema] purpose: required field 'purpose' is missing.",
     "add it, e.g.  purpose: Audit the wristband line"),
    ("misspelt-key", "arrival:\n", "arival:\n",
     "visit.yml:8:1: error [schema] arrival: required field 'arrival' is missing. "
     "Is 'arival' meant to be it?", "rename 'arival' to 'arrival'"),
    ("unknown-nested-key", "    languages: [en]\n", "    language: [en]\n",
     "visit.yml:15:5: error [schema] visitors[0].language: unknown field 'language'. "
     "Did you mean 'languages'?",
     "rename or remove it; fields allowed here: name, name_zh, title, principal, languages, "
     "diet, ramadan, notes"),
    ("transport-synonym", "  at: 2026-12-09 18:00\n", "  at: 2026-12-09 18:00\n  by: plane\n",
     "visit.yml:12:7: error [schema] departure.by: found 'plane'. Did you mean 'flight'?",
     "use one of: flight, train, car, other"),
    ("datetime", "at: 2026-12-08 09:30", "at: 8 Dec 09:30",
     "visit.yml:9:7: error [schema] arrival.at: found '8 Dec 09:30', which is not a date "
     "and time.", "write the local date and time as YYYY-MM-DD HH:MM, e.g. 2026-12-08 09:30"),
    ("diet-typo", "    languages: [en]\n", "    languages: [en]\n    diet: [hallal]\n",
     "visit.yml:16:12: error [schema] visitors[0].diet[0]: found 'hallal', which is not in "
     "the diet vocabulary. Did you mean 'halal'?",
     "use words from: vegetarian, vegan, halal, kosher, no-pork, no-beef, no-alcohol, "
     "no-seafood, gluten-free, nut-allergy, lactose-free; put anything else in notes"),
    ("diet-single-word-ok", "    languages: [en]\n", "    languages: [en]\n    diet: halal\n",
     None, None),
    ("language-name", "    languages: [en]\n", "    languages: [German]\n",
     "visit.yml:15:17: error [schema] visitors[0].languages[0]: found 'German', which is not "
     "a two-letter ISO 639-1 language code (en, de, ru, ar, …). Did you mean 'de'?",
     "write two-letter language codes, e.g. [de, en]"),
    ("dept-typo", "dept: sales", "dept: sale",
     "visit.yml:17:22: error [schema] hosts[0].dept: found 'sale', which is not a department "
     "of the reception policy. Did you mean 'sales'?",
     "use one of: sales, admin, factory, management, finance, marketing, hr, reception"),
    ("time-invalid", 'at: "14:00"', 'at: "25:00"',
     "visit.yml:20:12: error [schema] schedule.2026-12-08[0].at: found '25:00', which is not "
     "a time of day. Write HH:MM on the 24-hour clock, in quotes, e.g. \"09:30\" or "
     "\"14:00\".", 'quote the time: at: "14:00"'),
    ("time-unquoted-ok", 'at: "14:00"', "at: 14:00", None, None),
    ("schedule-key", "  2026-12-08:\n", "  Dec 8:\n",
     "visit.yml:19:3: error [schema] schedule.Dec 8: found the key 'Dec 8', which is not a "
     "date.", "write the date as YYYY-MM-DD, e.g. 2026-12-08"),
    ("budget-text", "what: Presentation,", "what: Presentation, meal: lunch, budget: lots,",
     "visit.yml:20:75: error [schema] schedule.2026-12-08[0].budget: found 'lots', but a "
     "number (0 or more) is expected.", "write the amount as a plain number, e.g. budget: 1500"),
    ("due-number", "due: -2d", "due: 5",
     "visit.yml:22:38: error [schema] checklist[0].due: found '5'. Write a date (2026-12-01) "
     "or a number of days from the arrival day followed by d (-5d, -1d, +2d).",
     "e.g.  due: -2d  or  due: 2026-12-01"),
    ("duplicate-key", "tier: C\n", "tier: C\ntier: B\n",
     "visit.yml:7:1: error [schema] tier: 'tier' appears twice in the same place (first on "
     "line 6).", "merge the two entries into one; YAML would silently keep only the last"),
    ("list-expected", "hosts:\n  - {name: 李娜, dept: sales, languages: [en]}\n",
     "hosts: 李娜\n",
     "visit.yml:16:8: error [schema] hosts: found '李娜', but a list is expected here.",
     "e.g.  hosts: [{name: 李娜, dept: sales}]"),
    ("todo-left", "purpose: Audit", "purpose: TODO",
     "visit.yml:5:10: error [schema] purpose: still says TODO.",
     "fill in the real value, or delete the line if the field is optional"),
    ("yaml-syntax", "purpose: Audit", "purpose: Audit: the line",
     "visit.yml:5:15: error [schema] this is not valid YAML: a colon in an unexpected place; "
     "put text that contains ': ' in quotes, or check the indentation of this line.",
     "fix the line shown (YAML needs spaces, not tabs, and quotes around text containing "
     "': ' or '#')"),
    ("blank-purpose", "purpose: Audit", 'purpose: "\u3000\u200b "',
     "visit.yml:5:10: error [schema] purpose: holds no visible text (only spaces or "
     "invisible characters).", "write the text, or delete the line if the field is optional"),
    ("full-width-time", 'at: "14:00"', 'at: "１４：００"',
     "visit.yml:20:12: error [schema] schedule.2026-12-08[0].at: found '１４：００', written with "
     "full-width digits or colon. Write the time with half-width characters, e.g. \"14:00\".",
     'quote the time: at: "14:00"'),
    # cross-field rules of the contract
    ("departure-before-arrival", "at: 2026-12-09 18:00", "at: 2026-12-07 18:00",
     "visit.yml:11:7: error [schema] departure.at: departure (2026-12-07 18:00) is before "
     "arrival (2026-12-08 09:30).", "check both dates; times are local to the visit's time zone"),
    ("checkout-before-checkin", "check_out: 2026-12-09", "check_out: 2026-12-07",
     "visit.yml:12:56: error [schema] hotel.check_out: check-out (2026-12-07) is before "
     "check-in (2026-12-08).", "swap or correct the dates"),
    ("two-principals", "  - name: Hans Müller\n",
     "  - name: Ann\n    principal: true\n  - name: Hans Müller\n    principal: true\n",
     "visit.yml:17:16: error [schema] visitors[1].principal: more than one visitor is marked "
     "as the principal guest (the first is visitors[0]).",
     "keep 'principal: true' on one visitor only"),
    ("owner-not-host", "owner: 李娜", "owner: 李四",
     "visit.yml:7:8: error [schema] owner: '李四' is not one of the hosts.",
     "add the owner to hosts, or correct the spelling"),
    ("with-not-host", "with: [李娜]", "with: [李娜, 王强]",
     "visit.yml:20:65: error [schema] schedule.2026-12-08[0].with[1]: '王强' is not one of "
     "the hosts.", "add this person to hosts, or correct the spelling"),
    ("to-before-at", 'to: "15:00"', 'to: "13:00"',
     "visit.yml:20:25: error [schema] schedule.2026-12-08[0].to: ends at 13:00, before it "
     "starts at 14:00.",
     "correct 'to', or split an item that runs past midnight into two days"),
    ("timezone-unknown", "owner: 李娜\n", "owner: 李娜\ntimezone: Mars/Base\n",
     "visit.yml:8:11: error [schema] timezone: found 'Mars/Base', which is not a time zone "
     "name.", "use an IANA name such as Asia/Shanghai or Europe/Berlin, or leave it out"),
    # second edition: text in two languages, contacts, guests' private data, approvals
    ('text-unknown-language', 'purpose: Audit', 'purpose: {zh: 审核, fr: Audit}',
     "visit.yml:5:19: error [schema] purpose.fr: unknown field 'fr'.",
     'rename or remove it; fields allowed here: zh, en'),
    ('text-empty-map', 'purpose: Audit', 'purpose: {}',
     'visit.yml:5:10: error [schema] purpose: holds neither zh nor en text.',
     'write the text under zh: (Chinese) and/or en: (English), or write it directly '
     'after the colon to show it in both packets'),
    ('text-list', 'purpose: Audit', 'purpose: [Audit, Prices]',
     'visit.yml:5:10: error [schema] purpose: found a list, but text is expected.',
     'write the text after the colon, or a map {zh: …, en: …}'),
    ('text-blank-language', 'purpose: Audit', "purpose: {zh: Audit, en: ' '}",
     'visit.yml:5:26: error [schema] purpose.en: holds no visible text (only spaces or'
     ' invisible characters).',
     'write the text, or delete the line if the field is optional'),
    ('text-blank', 'purpose: Audit', "purpose: ' '",
     'visit.yml:5:10: error [schema] purpose: holds no visible text (only spaces or '
     'invisible characters).',
     'write the text, or delete the line if the field is optional'),
    ('guest-phone',
     '    languages: [en]\nhosts',
     "    languages: [en]\n    phone: '+49 170 1234567'\nhosts",
     "visit.yml:16:12: error [schema] visitors[0].phone: holds the guest's phone "
     'number. A visit file is read by everyone who can open the handbook, so it holds '
     "no guest's phone number, e-mail address or passport number.",
     "delete this line: guests' phone numbers, e-mail addresses and passport details "
     'are kept in the client file (CRM), where access is controlled; the packet lists '
     "only our hosts' and drivers' phones"),
    ('guest-email',
     '    languages: [en]\nhosts',
     '    languages: [en]\n    email: hans@example.com\nhosts',
     "visit.yml:16:12: error [schema] visitors[0].email: holds the guest's e-mail "
     'address. A visit file is read by everyone who can open the handbook, so it holds'
     " no guest's phone number, e-mail address or passport number.",
     "delete this line: guests' phone numbers, e-mail addresses and passport details "
     'are kept in the client file (CRM), where access is controlled; the packet lists '
     "only our hosts' and drivers' phones"),
    ('guest-passport',
     '    languages: [en]\nhosts',
     '    languages: [en]\n    passport: C01X00T47\nhosts',
     "visit.yml:16:15: error [schema] visitors[0].passport: holds the guest's passport"
     ' number. A visit file is read by everyone who can open the handbook, so it holds'
     " no guest's phone number, e-mail address or passport number.",
     "delete this line: guests' phone numbers, e-mail addresses and passport details "
     'are kept in the client file (CRM), where access is controlled; the packet lists '
     "only our hosts' and drivers' phones"),
    ('host-phone',
     '{name: 李娜, dept: sales, languages: [en]}',
     '{name: 李娜, dept: sales, languages: [en], phone: call me}',
     "visit.yml:17:53: error [schema] hosts[0].phone: found 'call me', which is not a "
     'phone number.',
     'write digits with the country code, in quotes, e.g. phone: "+86 139 0000 0002"'),
    ('driver-without-name',
     '  at: 2026-12-08 09:30\n',
     "  at: 2026-12-08 09:30\n  driver: {phone: '+86 138 0000 0001'}\n",
     "visit.yml:10:11: error [schema] arrival.driver.name: required field 'name' is "
     'missing.',
     'add it, e.g.  name: Hans Müller'),
    ('interpreter-not-bool',
     '{name: 李娜, dept: sales, languages: [en]}',
     '{name: 李娜, dept: sales, languages: [en], interpreter: sometimes}',
     "visit.yml:17:59: error [schema] hosts[0].interpreter: found 'sometimes', which "
     'is not true or false.',
     'write true or false'),
    ('leave-not-a-time', '  at: 2026-12-09 18:00\n', "  at: 2026-12-09 18:00\n  leave: '25:00'\n",
     "visit.yml:12:10: error [schema] departure.leave: found '25:00', which is not a "
     'time of day. Write HH:MM on the 24-hour clock, in quotes, e.g. "09:30" or '
     '"14:00".',
     'quote the time: leave: "14:00"'),
    ('rooms-zero', 'check_out: 2026-12-09}', 'check_out: 2026-12-09, rooms: 0}',
     "visit.yml:12:75: error [schema] hotel.rooms: found '0', but a whole number of "
     'rooms (1 or more) is expected.',
     'write how many rooms are booked, e.g. rooms: 2'),
    ('approval-check-typo',
     'checklist:\n',
     'approvals:\n  - {check: meal-budgett, by: 王强, on: 2026-12-01}\nchecklist:\n',
     "visit.yml:22:13: error [schema] approvals[0].check: found 'meal-budgett', which "
     "is not a check of the reception policy. Did you mean 'meal-budget'?",
     "use a check id from the packet's warnings: dealer-unsigned-line, "
     'line-escort-missing, hosts-fewer-than-visitors, tier-attendance, tier-suggested,'
     ' meal-escorts, escorts-excess, meal-budget, hotel-payer, hotel-risk-country, '
     'gifts-not-allowed, interpreter-needed, interpreter-unused, meal-diet-note, '
     'ramadan-daylight-meal, schedule-overlap, schedule-outside-visit, '
     'pickup-schedule, send-off-late, send-off-schedule, lead-time-missed, '
     'hotel-budget, transport-budget, entertainment-budget, approval-unmatched, '
     'approval-of-error'),
    ('approval-item-not-a-time',
     'checklist:\n',
     "approvals:\n  - {check: meal-budget, item: '2026-12-08 25:00', by: 王强, on:"
     ' 2026-12-01}\nchecklist:\n',
     "visit.yml:22:32: error [schema] approvals[0].item: found '2026-12-08 25:00', "
     'which does not name a schedule item.',
     'name the item by its day and start, in quotes: item: "2026-12-09 12:00"'),
    ('approval-without-by',
     'checklist:\n',
     'approvals:\n  - {check: meal-budget, on: 2026-12-01}\nchecklist:\n',
     "visit.yml:22:5: error [schema] approvals[0].by: required field 'by' is missing.",
     'add it, e.g.  by: 李娜 (who approved it)'),
]


@pytest.mark.parametrize(("old", "new", "expected", "fix"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_message(check: Callable[[str], list[Problem]], old: str, new: str,
                 expected: str | None, fix: str | None) -> None:
    assert old in BASE
    errors = [p for p in check(BASE.replace(old, new, 1)) if p.severity.value == "error"]
    if expected is None:
        assert errors == []
        return
    assert errors, "expected an error"
    first = errors[0].format().split("\n    fix: ")
    assert first[0] == expected
    assert errors[0].fix == fix


def test_base_is_valid(check: Callable[[str], list[Problem]]) -> None:
    assert [p.format() for p in check(BASE) if p.severity.value == "error"] == []


def test_all_mistakes_are_reported_in_one_run(check: Callable[[str], list[Problem]]) -> None:
    broken = (BASE.replace("country: DE", "country: Germany")
              .replace("tier: C", "tier: E")
              .replace("dept: sales", "dept: sale")
              .replace('at: "14:00"', 'at: "25:00"'))
    fields = [p.field for p in check(broken)]
    assert fields == ["client.country", "tier", "hosts[0].dept", "schedule.2026-12-08[0].at"]
