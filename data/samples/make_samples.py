#!/usr/bin/env python3
"""Write the SYNTHETIC convolens sample organisation (see README.md in this folder).

Everything here is invented by the convolens team: the company (Halyard), its people, its
customers and every utterance. Hand-written utterance pools are combined by a seeded random
generator into 12 weeks of one-on-ones and customer calls, and each call is written in one of
many real-world transcript formats. The script writes each format directly (it does not import
convolens), so the files can test the project's readers independently.

Run:  python data/samples/make_samples.py        (stdlib + pandas/pyarrow; deterministic)
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import random
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd

T = TypeVar("T")

SEED = 20260831
HERE = Path(__file__).resolve().parent
CALLS_DIR = HERE / "calls"
FIRST_MONDAY = dt.date(2026, 8, 31)
WEEKS = 12
HOLIDAYS = {dt.date(2026, 9, 7)}  # Labor Day: nobody books calls
DOMAIN = "halyard.example"

# --------------------------------------------------------------------------------------------
# The organisation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    manager: str
    team: str
    aliases: tuple[str, ...] = ()
    email: str = ""
    style: str = ""  # managers: "A" | "B" | "C"

    @property
    def first(self) -> str:
        return self.name.split()[0]


MANAGERS = [
    Person("Dana Lee", "manager", "", "Enterprise East", (), f"dana.lee@{DOMAIN}", "A"),
    Person("María Farías", "manager", "", "Mid-Market Central", ("Maria Farias",), f"maria.farias@{DOMAIN}", "B"),
    Person("Marcus Webb", "manager", "", "Commercial West", (), f"marcus.webb@{DOMAIN}", "C"),
]
REPS = [
    Person("Sam Ortiz", "rep", "Dana Lee", "Enterprise East", (), f"sam.ortiz@{DOMAIN}"),
    Person("Priya Raman", "rep", "Dana Lee", "Enterprise East", (), f"priya.raman@{DOMAIN}"),
    Person(
        "Robert Chen", "rep", "Dana Lee", "Enterprise East", ("Bob Chen", f"bob.chen@{DOMAIN}"), f"robert.chen@{DOMAIN}"
    ),
    Person("Kwame Mensah", "rep", "María Farías", "Mid-Market Central", (), f"kwame.mensah@{DOMAIN}"),
    Person("Aoife Gallagher", "rep", "María Farías", "Mid-Market Central", (), f"aoife.gallagher@{DOMAIN}"),
    Person("Hiroshi Tanaka", "rep", "María Farías", "Mid-Market Central", (), f"hiroshi.tanaka@{DOMAIN}"),
    Person("Lena Novak", "rep", "Marcus Webb", "Commercial West", (), f"lena.novak@{DOMAIN}"),
    Person("Jamal Carter", "rep", "Marcus Webb", "Commercial West", (), f"jamal.carter@{DOMAIN}"),
]
MANAGER_BY_NAME = {m.name: m for m in MANAGERS}
ONE_ON_ONE_WEEKDAY = {"Dana Lee": 1, "María Farías": 2, "Marcus Webb": 3}  # Tue / Wed / Thu


@dataclass(frozen=True)
class Account:
    name: str
    industry: str
    domain: str
    contacts: tuple[tuple[str, str], ...]  # (name, job title)
    users: str  # their own customers / patients / students ...
    unit: str  # their sites
    pain: str
    metric: str
    system: str
    comp: str
    short: str  # what people call it after the first mention


SHORT_NAMES = {
    "Summit Ridge Builders": "Summit Ridge",
    "Cedar Valley Senior Living": "Cedar Valley",
    "Granite Peak Energy": "Granite Peak",
    "St. Brendan's Hospital": "St. Brendan's",
    "Coastal Home Supply": "Coastal",
    "Pinecrest School District": "Pinecrest",
}


def _acct(name, industry, users, unit, pain, metric, system, comp, c1, t1, c2, t2):
    domain = re.sub(r"[^a-z]+", "", name.lower().split()[0]) + ".example"
    short = SHORT_NAMES.get(name, name.split()[0])
    return Account(name, industry, domain, ((c1, t1), (c2, t2)), users, unit, pain, metric, system, comp, short)


ACCOUNTS = [
    _acct(
        "Brightwater Health",
        "healthcare",
        "patients",
        "clinics",
        "no-show appointments and double-booked exam rooms",
        "patient wait times",
        "Epic",
        "Fieldline",
        "Grace Okonkwo",
        "Director of Clinical Operations",
        "Tom Reilly",
        "IT Manager",
    ),
    _acct(
        "Northgate Freight",
        "logistics",
        "shippers",
        "depots",
        "missed pickups",
        "on-time delivery",
        "their TMS",
        "Routewise",
        "José Álvarez",
        "VP of Operations",
        "Hannah Price",
        "Dispatch Lead",
    ),
    _acct(
        "Keelson Manufacturing",
        "manufacturing",
        "distributors",
        "plants",
        "line stoppages on the packaging floor",
        "OEE",
        "SAP",
        "Opsbright",
        "Dieter Vogel",
        "Plant Manager",
        "Anita Desai",
        "Continuous Improvement Lead",
    ),
    _acct(
        "Pinecrest School District",
        "education",
        "students",
        "campuses",
        "maintenance tickets that sit for weeks",
        "classroom downtime",
        "their student information system",
        "Tallyworks",
        "Linda Morales",
        "Director of Facilities",
        "Kevin O'Brien",
        "CIO",
    ),
    _acct(
        "Harborview Credit Union",
        "finance",
        "members",
        "branches",
        "loan applications stuck in review",
        "time to decision",
        "their core banking system",
        "Corvane",
        "Rachel Goldberg",
        "COO",
        "Ethan Brooks",
        "Branch Operations Manager",
    ),
    _acct(
        "Summit Ridge Builders",
        "construction",
        "homeowners",
        "job sites",
        "change orders lost in email",
        "schedule slippage",
        "Procore",
        "Stackmoor",
        "Travis Boone",
        "Operations Director",
        "Mei Lin",
        "Project Controls Manager",
    ),
    _acct(
        "Fairmont Grocers",
        "retail",
        "shoppers",
        "stores",
        "empty shelves on weekends",
        "shrink",
        "their POS",
        "Opsbright",
        "Olivia Bennett",
        "VP of Store Operations",
        "Raj Patel",
        "Supply Chain Analyst",
    ),
    _acct(
        "Cedar Valley Senior Living",
        "senior care",
        "residents",
        "communities",
        "staffing gaps on night shifts",
        "resident satisfaction scores",
        "PointClickCare",
        "Fieldline",
        "Margaret Flynn",
        "Executive Director",
        "Samuel Osei",
        "HR Director",
    ),
    _acct(
        "Tidewater Port Services",
        "logistics",
        "carriers",
        "terminals",
        "trucks waiting hours at the gate",
        "truck turn times",
        "their terminal operating system",
        "Routewise",
        "Ngozi Eze",
        "Terminal Manager",
        "Luis Ferreira",
        "Gate Operations Supervisor",
    ),
    _acct(
        "Granite Peak Energy",
        "utilities",
        "ratepayers",
        "substations",
        "inspection backlogs",
        "outage minutes",
        "Maximo",
        "Corvane",
        "Catherine Hale",
        "VP of Asset Management",
        "Omar Haddad",
        "Reliability Engineer",
    ),
    _acct(
        "Lumen Pediatrics",
        "healthcare",
        "young patients and their parents",
        "practices",
        "prior authorizations that take days",
        "time to first appointment",
        "athenahealth",
        "Tallyworks",
        "Dr. Sarah Kim",
        "Medical Director",
        "Brian Walsh",
        "Practice Administrator",
    ),
    _acct(
        "Redwood Community College",
        "education",
        "students",
        "campuses",
        "advising appointments booked weeks out",
        "student retention",
        "Banner",
        "Stackmoor",
        "Yolanda Reyes",
        "Dean of Student Services",
        "Chris Novello",
        "Director of IT",
    ),
    _acct(
        "Atlas Cold Storage",
        "logistics",
        "grocery customers",
        "warehouses",
        "temperature excursions",
        "spoilage",
        "their WMS",
        "Opsbright",
        "Frank Duarte",
        "General Manager",
        "Ines Moreau",
        "Quality Manager",
    ),
    _acct(
        "Meridian Insurance Group",
        "finance",
        "policyholders",
        "regional offices",
        "claims that sit in the queue for weeks",
        "claim cycle time",
        "Guidewire",
        "Corvane",
        "Patricia Nguyen",
        "SVP of Claims",
        "Daniel Okafor",
        "Claims Operations Lead",
    ),
    _acct(
        "Ironbridge Fabrication",
        "manufacturing",
        "general contractors",
        "shops",
        "parts reworked because of drawing mistakes",
        "scrap rate",
        "Epicor",
        "Fieldline",
        "Gary Lindqvist",
        "Owner",
        "Tanya Brooks",
        "Production Manager",
    ),
    _acct(
        "Coastal Home Supply",
        "retail",
        "DIY customers",
        "stores",
        "special orders that go missing",
        "order accuracy",
        "Oracle Retail",
        "Routewise",
        "Monica Sandoval",
        "Director of Customer Experience",
        "Peter Hughes",
        "Regional Manager",
    ),
    _acct(
        "St. Brendan's Hospital",
        "healthcare",
        "patients",
        "wards",
        "beds that sit empty waiting to be cleaned",
        "ED boarding time",
        "Cerner",
        "Tallyworks",
        "Aisling Murphy",
        "Chief Nursing Officer",
        "Victor Chang",
        "Environmental Services Manager",
    ),
    _acct(
        "Bluestem Growers Co-op",
        "agriculture",
        "member farmers",
        "grain elevators",
        "equipment breakdowns at harvest",
        "harvest throughput",
        "their ERP",
        "Stackmoor",
        "Dale Jorgensen",
        "General Manager",
        "Rosa Jimenez",
        "Maintenance Supervisor",
    ),
    _acct(
        "Vantage Property Management",
        "real estate",
        "tenants",
        "buildings",
        "maintenance requests that fall through the cracks",
        "tenant renewal rate",
        "Yardi",
        "Opsbright",
        "Nadia Petrova",
        "VP of Property Operations",
        "Marcus Hill",
        "Facilities Coordinator",
    ),
    _acct(
        "Quill Pharma Logistics",
        "pharma distribution",
        "pharmacies",
        "distribution centers",
        "mis-picks",
        "order accuracy",
        "Manhattan WMS",
        "Routewise",
        "Helga Sørensen",
        "Director of Distribution",
        "Kenji Watanabe",
        "Process Engineer",
    ),
    _acct(
        "Trident Marine Services",
        "maritime",
        "vessel owners",
        "yards",
        "parts delays",
        "vessel downtime",
        "their ERP",
        "Corvane",
        "Liam Doyle",
        "Yard Director",
        "Fatima Zahra",
        "Planning Manager",
    ),
    _acct(
        "Helios Solar Installers",
        "construction",
        "homeowners",
        "install crews",
        "permit delays",
        "install cycle time",
        "Salesforce",
        "Fieldline",
        "Jordan Avery",
        "Head of Operations",
        "Priyanka Shah",
        "Scheduling Manager",
    ),
    _acct(
        "Evergreen Hotels",
        "hospitality",
        "guests",
        "hotels",
        "rooms that aren't ready at check-in",
        "guest satisfaction",
        "Opera PMS",
        "Tallyworks",
        "Chloé Lambert",
        "Director of Housekeeping",
        "Andre Baptiste",
        "Hotel General Manager",
    ),
    _acct(
        "Oakhurst Library System",
        "public sector",
        "patrons",
        "branches",
        "facility issues that close rooms for days",
        "room availability",
        "their ticketing tool",
        "Stackmoor",
        "Theresa Quinn",
        "Facilities Director",
        "Mohammed Aziz",
        "Branch Services Manager",
    ),
]
ACCOUNTS_BY_REP = {rep.name: [ACCOUNTS[i * 3 + j] for j in range(3)] for i, rep in enumerate(REPS)}
DEAL_K = [38, 45, 60, 72, 85, 96, 120, 150, 180, 210]
COST_K = [8, 12, 15, 20, 25, 30, 40]
SMALL_N = ["two", "three", "four", "five", "six"]
STAGES = ["discovery", "demo", "business case review", "pricing and next steps"]

# --------------------------------------------------------------------------------------------
# Utterance pools (hand-written). Slots: {co} {contact} {title} {comp} {amt} {cost} {users}
# {unit} {pain} {metric} {system} {n} {rep} {mgr} {day}. "$45k" amounts are re-rendered per format.
# --------------------------------------------------------------------------------------------


def _pool(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines() if line.strip()]


MGR_REV_Q = {
    "close_timing": _pool("""
        When does {co} close?
        So what's the real close date on {co}?
        Is {co} still on track to sign this month?
        Walk me through the timeline to signature on {co}.
        Do you think {co} slips into next quarter
        What has to happen for {co} to sign by the 30th?
        Um, when are we actually getting the signature from {co}?
        How confident are you that {co} closes before quarter end?
        I need a date for {co}, when do they sign
    """),
    "deal_size": _pool("""
        How much is {co} worth right now?
        What's the deal size on {co}?
        Can we get {co} to {amt}?
        Is there room to upsell {co} on more seats
        What discount are they asking for?
        Where did we land on price with {co}?
        So what's the ARR on that one, roughly?
        How big could the {co} deal get if they add the other {unit}?
    """),
    "forecast": _pool("""
        Is {co} in your commit or best case?
        What are you calling for the quarter?
        How much pipeline coverage do you have for next quarter?
        Should I put {co} in the forecast?
        Where are you against quota this month?
        Can you commit {co} for this quarter or is it still best case
        What's your number going to be this quarter?
        Tell me what you're forecasting for {co}.
    """),
    "paperwork": _pool("""
        Has procurement sent over the redlines yet?
        Where are we on the MSA with {co}?
        Did legal sign off on the order form?
        Have they issued the PO?
        Is the security questionnaire done so the contract can move?
        What's left on the paperwork side for {co}
        Have we sent {contact} the order form yet?
    """),
    "decision_makers": _pool("""
        Who signs at {co}?
        Who's the economic buyer on {co}?
        Have you met the person who actually approves the spend?
        Does the {title} have signing authority, or does it go to their CFO
        Who else needs to approve it before they can sign?
        What does the approval chain look like at {co}?
        Do we have access to the decision maker yet?
    """),
    "competition": _pool("""
        Who's the competition on {co}?
        Are they also looking at {comp}?
        Are we ahead of {comp} on this one?
        What's {comp} quoting them?
        How do we beat {comp} on {co}
        Is {comp} still in the deal?
        Who else is in the running?
    """),
    "need_from_me": _pool("""
        What do you need from me to close {co}?
        Anything I can do to get {co} over the line this month?
        Do you need me to call their CFO to get this signed?
        Should I bring our VP onto a call to push the signature?
        What can I do to help you get {co} signed before quarter end
    """),
}

MGR_IMP_Q = {
    "goals": _pool("""
        What is {co} actually trying to achieve this year?
        What are their top priorities for the next twelve months?
        What does {contact} want to be different a year from now?
        Tell me what their goals are for the {unit}.
        What's {co}'s big strategic push right now
        What does the {title} care about most this year?
        So what's behind their growth plans at {co}?
    """),
    "problems": _pool("""
        What problem are we actually solving for {co}?
        Walk me through the pain at {co}. What breaks today?
        How bad is the problem with {pain} for them?
        What happens at {co} today when things go wrong
        Where does their current process fall apart?
        What's the biggest headache for their team day to day?
        Did they tell you why they keep getting {pain}?
    """),
    "outcomes": _pool("""
        How much are {pain} costing them every month?
        What would fixing this do for their {metric}?
        If this works, what changes for their business?
        How much time would their team get back?
        What's the impact on their bottom line if they fix {pain}?
        Help me understand how this moves their {metric}.
        What does a good outcome look like for them, in their words?
    """),
    "success_measures": _pool("""
        How will {co} measure success?
        What would success look like for them a year in?
        What number will {contact} report to their leadership on?
        How will they know it's working after go-live?
        Did they give you a baseline for {metric}?
        What number do they need to see move
        What does the {title} need to see to call this a win?
    """),
    "their_customers": _pool("""
        How does this change things for their {users}?
        What do their {users} go through today because of {pain}?
        Are their {users} complaining about it?
        How would their {users} notice the difference?
        What happens to their {users} if nothing changes?
        Did {contact} mention how this affects their {users}
        Who feels this most on their side, the frontline staff or their {users}?
    """),
    "why_now": _pool("""
        Why are they looking at this now?
        What happens if {co} does nothing?
        What's the cost of doing nothing for them?
        What changed at {co} that made this urgent
        Why is this a priority for them this year and not last year?
        What's forcing the issue for them right now?
        I'm curious what triggered the project in the first place
    """),
    "adoption": _pool("""
        How are the {unit} that already went live using it?
        Is their team actually adopting it?
        What value have they seen since the pilot?
        Are their frontline people logging in every day?
        What results did the pilot {unit} get?
        What would help their team get more out of it?
    """),
}


def _pairs(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Lines of ``question || answer || answer``: a question and the replies that fit it."""
    out = []
    for line in _pool(text):
        q, *answers = [x.strip() for x in line.split("||")]
        out.append((q, tuple(answers)))
    return out


# Manager "other" questions and the rep's fitting replies, by theme.
MGR_OTHER_PAIRS = {
    "week": _pairs("""
        Hey {rep}, how was your week? || Pretty good, busy but good. My kid started kindergarten so mornings are chaos. || Busy. Lots of travel, but I'm close to done with the onboarding stuff. || Um, okay. My internet was down for a day, which was fun.
        Hi {rep}, how are you doing? || Good, I was a bit sick early in the week but I'm better now. || Can't complain. The new coffee machine on the third floor is a big deal for me. || Fine, thanks. Traffic was brutal this morning.
        How was the weekend? || Great weekend, we had friends over for a barbecue. || Good, good. I went hiking Saturday, first time in weeks. || Good! My sister visited, so it flew by. || Really good actually, I ran my first 10k.
        Hey, how's it going? || Not bad! I finally unpacked the last boxes. || Pretty good, I'm still catching up on email. || Good, thanks, just grabbed lunch.
        How was the conference? || Pretty good, I'm still catching up on email after it. || Long days, but I met some good people. || Honestly, the airport was a zoo, but the sessions were fine.
        How's the new apartment coming along? || Slowly, we still don't have a couch. || Good, I finally unpacked the last boxes.
        How are you feeling, better than last week? || Much better, thanks. || Mostly, still a bit of a cough.
        How was the revenue team offsite? || Honestly a little tiring, it ran late both days. || Good, the dinner was great.
        Did you catch the game on Sunday? || Yeah, I watched it, what a finish. || No, I missed it, don't tell me the score.
        How's your week shaping up? || Busy, lots of calls on Thursday. || Pretty calm so far, which is nice.
        Did you survive the all-hands? || Barely, it was long but fine. || Yeah, it was long, but I liked the new product demo.
        Hey {rep}! Good {day}? || Yes, so far so good. || Not bad, it's been quiet.
        Morning {rep}, did you get your coffee yet? || Second cup already. || Not yet, I'm running on fumes.
        How did the move go? || Exhausting, but we're in. || Good, the movers were great.
    """),
    "scheduling": _pairs("""
        Same time next week? || Works for me. || Yep, same time is fine.
        Can we move next week's one-on-one to Thursday? || Thursday's fine, I have a customer call Tuesday morning anyway. || Sure, any time after ten.
        Are you around Friday afternoon? || I'm out Friday afternoon, dentist. || Yes, I'm free after two.
        Do you want to keep this slot or shift it earlier? || Let's keep the slot, it works. || Earlier would be great actually.
        Are you out at all next week? || No, I'm around all week. || Just Monday morning.
        Can you send me a recap by end of day || Sure, I'll send it by five.
        Does thirty minutes still work for these, or should we go to forty-five? || Thirty is fine. || Forty-five would help near quarter end.
        Are you coming to the team lunch on Thursday? || I'll be there, I'm bringing the cookies. || Yes, wouldn't miss it.
        Did you get the invite for the QBR dry run? || I got it, I'll accept it today. || Not yet, I'll check my spam folder.
        Can we do next week on video instead of in person? || Video is fine, I'm working from home that day anyway.
    """),
    "development": _pairs("""
        How are the onboarding modules going? || About halfway through, the last module is on negotiation. || Done, I passed the quiz yesterday.
        Did you finish the CRM training? || Not yet, I'll block time on Thursday. || Yes, finished it Monday.
        Have you had a chance to try the new call recording tool? || Yeah, it's nice, I like the search.
        Did your expense report go through? || Yes, it's approved. || Still pending, finance had a question about a receipt.
        Have you talked to IT about your laptop? || IT says the new laptop comes Monday.
        How's the mentoring with Jordan going? || Mentoring's great, Jordan is super helpful.
        Did you get your PTO request in for December? || I submitted it last week. || Doing it today, thanks for the reminder.
        What did you think of the new deck template? || I liked it, it's cleaner than the old one.
        Did you read the notes from the customer impact workshop? || I skimmed them, I'll read them properly this weekend.
        Is anything blocking you on the admin side? || No, all good on that front. || Just the travel approval, but it's moving.
    """),
    "agenda": _pairs("""
        Anything you want to cover today? || Mostly pipeline, and a quick question about travel. || Nothing special, let's go through the accounts.
        What's on your list for today? || Just the territory map thing, but it can wait. || Pipeline, mostly.
        Do you want to start with pipeline or with your questions? || Pipeline first is fine.
        Is there anything on your mind before we dig in? || I'm good, let's dig in.
    """),
    "wrap_up": _pairs("""
        Okay, anything else before we wrap? || Nope, that's it from me. || No, I think we covered it.
        Anything else you want to talk about? || Nope, that's it from me. || Not today.
    """),
}

REP_REV_A = {
    "close_timing": _pool("""
        They're saying end of the month, but procurement has to move fast.
        Realistically I think it signs the week of the 23rd.
        {contact} told me they want it signed before their budget freeze.
        It might slip to next quarter, honestly, their legal team is slow.
        We're aiming for the 30th. I've got a mutual close plan with them.
        Um, they said two weeks, but they said that two weeks ago.
    """),
    "deal_size": _pool("""
        Right now it's {amt} for the first year.
        They're asking for fifteen percent off to sign this month.
        I think we can get it to {amt} if we add the other {unit}.
        It's about {amt}, maybe more with the analytics add-on.
        They pushed back on price, so we're at {amt} with a two-year term.
        I quoted {amt} and they didn't flinch.
    """),
    "forecast": _pool("""
        I've got it in best case, not commit yet.
        I'm calling {amt} for the quarter, with {co} as the swing deal.
        It's in commit. I'm confident.
        I'm at about eighty percent of quota with three weeks left.
        Coverage is thin for next quarter, maybe two times.
        I'd keep it in best case until the PO shows up.
    """),
    "paperwork": _pool("""
        Procurement sent redlines on the MSA yesterday, legal is reviewing.
        The order form is with {contact}, they said they'd sign it this week.
        Still waiting on the PO, their system needs a vendor number first.
        The security questionnaire is done, so the contract can move.
        Legal's stuck on the liability cap, that's the last open item.
        We sent the order form Monday, no response yet.
    """),
    "decision_makers": _pool("""
        The CFO signs. {contact} is our champion but can't approve the spend.
        The {title} has budget authority up to a point, anything over that goes to their CFO.
        I haven't met the economic buyer yet, that's my next step.
        It needs approval from their board, they meet on the 15th.
        {contact} owns the budget, confirmed it on the last call.
        There are three approvers: the {title}, finance, and IT security.
    """),
    "competition": _pool("""
        They're also looking at {comp}.
        {comp} came in cheaper, about twenty percent under us.
        I think we're ahead of {comp}, they liked our demo better.
        It's us and {comp}, and {comp} is discounting hard.
        No real competitor, it's us or doing nothing this year.
        {comp} is the incumbent, so we have to displace them.
    """),
    "need_from_me": _pool("""
        It'd help if you could call their CFO and get the signature moving.
        I need you to approve the extra discount so we can close this month.
        Honestly, just help me get our legal team to prioritise the redlines.
        A quick exec call would help push the signature over the line.
        Nothing yet, I'll shout if the deal stalls.
    """),
}

REP_IMP_A = {
    "goals": _pool("""
        They want to open {n} more {unit} next year without adding headcount.
        Their big goal is improving {metric}, it's on {contact}'s scorecard.
        {contact} wants their team to stop firefighting and actually plan ahead.
        They're trying to grow while keeping {metric} where it is.
        The priority this year is getting every one of their {unit} on one process.
        They want to be the best-rated option for {users} in their region.
    """),
    "problems": _pool("""
        The main problem is {pain}, they see it every week.
        Today everything runs on spreadsheets and phone calls, so things get lost.
        Their supervisors spend about two hours a day chasing updates.
        The big one is {pain}, and nobody sees them until it's too late.
        Their current tool doesn't talk to {system}, so people re-key everything.
        They lose track of work between shifts, that's where it breaks.
    """),
    "outcomes": _pool("""
        {contact} estimated {pain} cost them around {cost} a month.
        If they fix it, they think {metric} improves by ten or fifteen percent.
        It would give each supervisor back most of a day a week.
        They'd avoid hiring two more coordinators next year.
        Fewer mistakes means fewer angry calls and less overtime for their staff.
        They think they could serve more {users} with the same team.
        Their P&L takes a hit from {pain} every single month.
    """),
    "success_measures": _pool("""
        They'll measure it on {metric}, and they have a baseline from last quarter.
        Success for them is cutting {pain} in half within six months.
        {contact} wants a monthly report showing {metric} trending the right way.
        A year in, they want every one of their {unit} on the new process and fewer escalations.
        Their COO wants to see {metric} move within the first quarter after go-live.
        They'll look at adoption first, then {metric} after ninety days.
    """),
    "their_customers": _pool("""
        Their {users} feel it directly, they get delays and no updates.
        {contact} said their {users} have been complaining on surveys.
        With {pain}, the {users} are the ones who wait.
        Better scheduling means their {users} get answers the same day.
        Their frontline staff are burned out from covering the gaps.
        Their {users} would notice fewer mistakes and faster responses.
    """),
    "why_now": _pool("""
        They had a bad audit in the spring and it scared them.
        They're expanding to {n} new {unit} and the current process won't scale.
        If they do nothing, {pain} will only get worse as they grow.
        A key coordinator retired and all the knowledge left with them.
        Their board asked for a plan to fix {metric} by next year.
        Last winter {pain} cost them a major client, so it's urgent now.
    """),
    "adoption": _pool("""
        The pilot {unit} are using it daily, about ninety percent of staff.
        Adoption is slower at the second site, the shift leads need more training.
        They've already seen {metric} improve at the pilot site.
        The techs love the mobile app, the office folks are slower to switch.
        They want a refresher session for the night shift.
    """),
}

MGR_ACK = _pool("""
    Okay.
    Got it.
    Makes sense.
    Right.
    Okay, good.
    Mm-hmm.
    Cool.
    Fair enough.
    That's helpful.
    Interesting.
    Okay, that's useful.
    Yeah.
    Good.
    Understood.
    Alright.
    Nice.
    Okay, thanks.
    Great.
""")

MGR_COACH = {
    "revenue": _pool("""
        We really need {co} in the commit this quarter.
        Let's make sure the close plan has a date on every step.
        Push for the signature before the 30th, the quarter depends on it.
        Don't discount any further without talking to me first.
        I'd get the PO process started now so it doesn't slip.
        Make sure you're talking to whoever signs, not just {contact}.
        Let's not let {comp} set the price on this one.
    """),
    "customer_impact": _pool("""
        I love that, lead with it in the next meeting.
        Their {users} are the real story here.
        If you can put a number on what {pain} cost them, the case makes itself.
        Get {contact} to give you today's {metric}, that's their baseline.
        That's the story their leadership needs to hear about their own {unit}.
        Keep digging into how their day actually works, that's where the value is.
    """),
}

REP_Q_TO_MGR = {
    "other": _pool("""
        Do you have time to review my territory plan this week?
        Did you see my note about the travel budget?
        Is it okay if I take Friday off?
        Should I sign up for the negotiation workshop?
        Is the offsite still in Denver?
        Can I shadow one of your calls next week?
    """),
    "revenue": _pool("""
        Can I offer fifteen percent if they sign this month?
        Should I put {co} in commit?
        Can you help me get legal to turn the redlines faster?
        Would you join the pricing call with their CFO?
    """),
}
MGR_A_TO_REP = {
    "other": _pool("""
        Sure, send it over and I'll look tonight.
        Yes, I saw it, it's approved.
        Of course, just put it in the calendar.
        Yes, do it, it's a good workshop.
        Yep, Denver, second week of October.
        Absolutely, I'll add you to the invite.
    """),
    "revenue": _pool("""
        Only if they sign by the 30th, and get me the order form first.
        Not yet, keep it in best case until we see the PO.
        Yes, I'll ping legal today so the contract doesn't slip.
        Yes, I'll join, let's make sure we leave with a signing date.
    """),
}

# --- customer calls -------------------------------------------------------------------------

# The rep's opening small talk and the customer's fitting replies.
REP_OPENER_PAIRS = _pairs("""
    Hi {contact}, thanks for making the time. How's your week going? || Good, busy. We just finished our quarterly planning. || Pretty hectic, we had an inspection earlier this week. || Fine, thanks. Our team is heads down on budget season.
    Hey {contact}, good to see you again. How was the weekend? || Can't complain. The kids are back in school so it's quieter. || Good, we finally got some sun.
    Morning {contact}! Did you make it back from your trip okay? || Made it back, the flight was delayed two hours though.
    Hi everyone, can you hear me okay? || Yes, loud and clear. || We can hear you fine.
    Hey {contact}, is the weather any better over there? || It's been raining all week, but we're hanging in there. || Much better, finally.
    Good afternoon! Are you in the office today or at home? || Working from home today. || In the office, it's quiet here today.
    Hi {contact}, thanks for joining. Busy week? || Always. I just got out of a revenue cycle meeting, so I need coffee. || Always, but it's fine.
    Hey, how are you doing? || Not bad at all, thanks for asking. || Good, thanks.
    Hi {contact}! Did you end up going to the trade show? || We did, it was a good show. Lots of vendors. || No, we had to skip it this year.
    Hi {contact}, sorry I'm a minute late. How are you? || No worries at all, I just got on myself.
    Hey {contact}, how's your {day} going? || So far so good. || Busy, but good.
    Hi {contact}, can you see my screen alright? || Yep, I can see it.
""")
REP_AGENDA = _pool("""
    So today I'd like to learn more about how your team works, and then show you a couple of things.
    The plan for today is a quick recap, your questions, and next steps.
    I sent a short agenda, but happy to adjust.
    Last time we looked at the scheduling module, so today I wanted to go a bit deeper.
    I've got about half an hour blocked.
    Let me just share my screen.
    I'll keep this one short.
    Thanks for sending over the org chart, that helped a lot.
    I brought the notes from our solutions engineer from last time.
    Great. I've got a few questions and then we can look at the dashboard.
""")
REP_CUST_REV_Q = {
    "close_timing": _pool("""
        When are you hoping to have a decision?
        What's your timeline to get this signed?
        Is signing before the end of the month realistic on your side?
        When would you want the contract in place?
        Walk me through the steps between now and a signature.
        Could we get this done before your fiscal year closes
        What would it take to sign this quarter?
    """),
    "deal_size": _pool("""
        What budget have you set aside for this?
        Does {amt} fit within what you've got approved?
        Is price going to be the deciding factor?
        How much are you looking to spend in year one?
        If we could get you a discount, would you sign this month?
        Do you have budget approved yet or is that still pending
        Would a three-year term work for you at that price?
    """),
    "decision_makers": _pool("""
        Who else is involved in the decision?
        Who will sign the contract on your side?
        Does this need to go to your CFO for approval?
        What does your approval process look like
        Is the {title} the final decision maker here?
        Who has final sign-off on the budget?
    """),
    "paperwork": _pool("""
        Do you need a security review before the contract can move?
        Who in procurement should I send the order form to?
        Can your legal team review the MSA this week?
        Will you need a PO number before we can start?
        How long does procurement usually take on your side?
        Is there a vendor onboarding form we need to fill out first
    """),
    "competition": _pool("""
        Are you looking at other vendors as well?
        Is {comp} still in the running?
        How do we compare to {comp} on price?
        Who else are you evaluating?
        What would make you pick us over {comp}?
        Have you gotten a quote from {comp} yet
    """),
}
REP_CUST_IMP_Q = {
    "goals": _pool("""
        What are your main goals for the next year?
        What does {co} want to accomplish with this project?
        Where do you want your team to be twelve months from now?
        What are your priorities for the {unit} this year?
        Tell me a bit about what you're trying to achieve.
        What would you like your team to spend more time on?
    """),
    "problems": _pool("""
        What's the biggest challenge your team faces today?
        Walk me through what happens when you get {pain}.
        How do you handle scheduling today?
        Where does the current process break down?
        What's the most frustrating part of the day for your coordinators?
        How often do you run into {pain}?
        I'm curious what workarounds your team has built
    """),
    "outcomes": _pool("""
        How much do {pain} cost you in a typical month?
        What would it mean for your business if that went away?
        How many hours does your team spend on this each week?
        If {metric} improved by ten percent, what would that be worth to you?
        What does that do to your overtime costs?
        How do {pain} affect your revenue?
        Um, what would your team do with the time they got back?
    """),
    "success_measures": _pool("""
        How will you measure success?
        What would success look like a year from now?
        What numbers will your leadership look at?
        How would you know this was worth it six months in?
        Do you have a baseline for {metric} today?
        What would you need to see in the pilot to call it a win?
    """),
    "their_customers": _pool("""
        How does this affect your {users}?
        What do your {users} experience when that happens?
        What do your {users} say about it?
        How would your {users} notice the difference?
        How are your frontline staff coping with it?
        Tell me how this shows up for your {users}.
    """),
    "why_now": _pool("""
        Why is this a priority now?
        What happens if you don't change anything?
        What made you start looking at this?
        What's the cost of waiting another year?
        Why now, and not last year?
        Was there a specific moment that made this urgent?
    """),
    "adoption": _pool("""
        How are your teams finding the pilot so far?
        What's working well for the people using it day to day?
        Where is adoption lagging, and why do you think that is?
        What would help your night shift get more out of it?
        What results have you seen at the pilot {unit}?
    """),
}
CUST_REV_A = {
    "close_timing": _pool("""
        We're hoping to decide by the end of the month.
        Realistically, probably early next quarter.
        We'd want it signed before our budget freeze in December.
        If everything goes well, two to three weeks.
        There's no hard deadline on our side, honestly.
    """),
    "deal_size": _pool("""
        We've got roughly {amt} approved for this year.
        Price matters, but it's not the only thing.
        That's a bit above what we planned, to be honest.
        Budget's approved, it's more about timing.
        We'd need a better number to get it through finance.
    """),
    "decision_makers": _pool("""
        The {title} signs, but our CFO has to approve anything over fifty thousand.
        It's me and our IT director, then finance signs off.
        The board has to approve it at the next meeting.
        I make the recommendation, but our COO decides.
    """),
    "paperwork": _pool("""
        Procurement usually takes about three weeks.
        Yes, IT security will need your SOC 2 report first.
        Send the order form to our procurement inbox, I'll forward you the address.
        Legal can probably look at it next week.
        We'll need a PO, which takes a few days once it's approved.
    """),
    "competition": _pool("""
        We're also talking to {comp}.
        {comp} came in a bit cheaper, I'll be honest.
        It's really between you and staying on spreadsheets.
        We looked at {comp} last year but it didn't go anywhere.
    """),
}
CUST_IMP_A = {
    "goals": _pool("""
        We want to open {n} more {unit} without adding coordinators.
        Honestly, the goal is to stop firefighting every morning.
        Our main goal is getting {metric} back to where it was two years ago.
        We want one process across all our {unit}, right now each one does its own thing.
        We'd like our people spending time with {users}, not on paperwork.
    """),
    "problems": _pool("""
        The biggest issue is {pain}. We see it every week.
        Everything lives in spreadsheets and texts, so things fall through the cracks.
        Our supervisors spend the first two hours of every shift chasing updates.
        Our current system doesn't talk to {system}, so we type everything twice.
        When someone's out sick, nobody knows what they were working on.
        Honestly, we find out about problems when someone calls to complain.
    """),
    "outcomes": _pool("""
        I'd guess {pain} cost us {cost} a month, maybe more.
        If that went away, we could probably avoid hiring two more people.
        Our team spends something like fifteen hours a week on it.
        Overtime is the big cost, it's been climbing all year.
        It would free up our leads to actually coach their people.
        It hits our revenue too, we've lost a couple of accounts over it.
    """),
    "success_measures": _pool("""
        Success would be cutting {pain} in half by next summer.
        Leadership will look at {metric} first.
        If my team stops staying late to fix schedules, that's success.
        We track {metric} monthly, so we have a baseline.
        Six months in, I'd want all our {unit} using it without me nagging.
    """),
    "their_customers": _pool("""
        Our {users} are the ones who feel it, they wait and get no updates.
        We've had complaints from {users} on our last survey.
        When things slip, it's the {users} who pay for it.
        Our staff are exhausted, a lot of them are covering extra shifts.
        Our {users} would notice right away if things ran on time.
    """),
    "why_now": _pool("""
        We're opening {n} new {unit} next year and this won't scale.
        We had a bad audit in the spring.
        Our longest-serving coordinator is retiring in March.
        If we don't fix it now, we'll have to hire, and we can't find people.
        Our new CEO made {metric} a top priority.
    """),
    "adoption": _pool("""
        The pilot team likes it, the mobile app especially.
        The night shift hasn't really picked it up yet.
        We're already seeing fewer missed handoffs at the pilot site.
        A few of the older supervisors still print everything out.
    """),
}
CUST_ADDON = _pool("""
    Yeah, I'd agree with that.
    And it's worse at our bigger {unit}, to be honest.
    Just to add to that, IT would want to be involved early.
    Right, that's been my experience too.
    I'd say the same.
""")
# Parallel lists: CUST_PRODUCT_Q[i] is answered by REP_PRODUCT_A[i] ("other": features, no outcome).
CUST_PRODUCT_Q = _pool("""
    Does it integrate with {system}?
    Can our field people use it offline?
    How long does a typical implementation take?
    Do you support single sign-on with Okta?
    Where is the data hosted?
    Can we export reports to Excel?
    Is there an API we can use?
    Does it work on Android tablets?
    Can we set different permissions for supervisors and staff?
    How do you handle training for new users?
    Is it available in Spanish?
    What does support look like, is it 24/7?
    Can it send text reminders?
    Do you have a mobile app or is it browser only?
    How do updates work, do we have to install anything?
    Are you SOC 2 certified?
    Can we customise the forms?
    Does it handle multiple time zones?
    Can we import our existing data from spreadsheets?
    Is there a limit on the number of {unit}?
    What happens to our data if we leave?
    Can we try it with one of our {unit} first?
""")
REP_PRODUCT_A = _pool("""
    Yes, we have a standard connector for {system}, it syncs every few minutes.
    Yes, the mobile app works offline and syncs when it reconnects.
    Usually six to eight weeks, depending on the number of {unit}.
    Yes, we support SAML, so Okta works out of the box.
    Data is hosted on AWS in the US, with an EU option.
    Yes, every report has an export button, CSV or Excel.
    Yes, there's a REST API and webhooks, I'll send you the docs.
    It works on iOS and Android, phones and tablets.
    Yes, roles are fully configurable.
    We include live training sessions and a self-serve academy.
    Yes, the app is available in Spanish and French.
    Support is 24/7 for urgent issues, business hours for everything else.
    Yes, it sends SMS and email reminders.
    Both, there's a native app and the browser version.
    It's all cloud, updates roll out automatically every two weeks.
    Yes, we're SOC 2 Type II, I can share the report under NDA.
    Yes, the form builder is drag and drop, no code needed.
    Yes, each site can have its own time zone.
    Yes, our onboarding team handles the import for you.
    No limit, you can add {unit} as you grow.
    You can export everything at any time, it's your data.
    Absolutely, a lot of customers start with a single site.
""")
assert len(CUST_PRODUCT_Q) == len(REP_PRODUCT_A)
REP_CLOSE_Q = _pool("""
    Does next Tuesday at two work for a follow-up?
    Can I send you a recap and a couple of times for next week?
    Would Thursday morning work to bring in your IT lead?
    Is it okay if I send the slides over after this?
    Does that sound like a plan?
    Anything else you want me to cover before we wrap?
    Should we put thirty minutes on the calendar for next week?
""")
CUST_CLOSE_A = _pool("""
    Tuesday works.
    Sure, send it over.
    Thursday's tough, can we do Friday?
    Sounds good to me.
    That works, I'll loop in my colleague.
    No, I think we covered it. Thanks.
    Yes, please do.
""")
REP_FINAL = _pool("""
    Great, thanks so much, talk soon.
    Perfect. I'll send the invite. Have a good one.
    Thanks everyone, really appreciate the time.
    Awesome, I'll follow up by email today.
    Thanks, enjoy the rest of your week.
""")
CUST_FINAL = _pool("""
    Thanks, bye.
    Take care.
    Thank you, talk soon.
    Bye now.
""")
REP_INTRO_MGR = _pool("""
    I also brought my manager, {mgr}, who wanted to meet you.
    {mgr} from our team is joining us today as well.
    Quick intro, {mgr} leads our team and asked to sit in.
""")
MGR_GREET_CUST = _pool("""
    Hi {contact}, great to meet you. Thanks for letting me crash the call.
    Hi everyone, thanks for having me, I'll mostly listen.
    Hello! Good to finally put a face to the name.
""")
CUST_WELCOME = _pool("""
    Of course, welcome.
    Nice to meet you too.
    Happy to have you.
""")
PRE_ANSWER = _pool("""
    Good question.
    Yeah, so
    Um, so
    Honestly,
    Let me think.
    Right, so
""")

# --------------------------------------------------------------------------------------------
# Focus mix over time
# --------------------------------------------------------------------------------------------


def manager_p_revenue(style: str, week: int) -> float:
    """Share of a manager's focus questions that are about revenue in week 0..11."""
    x = week / (WEEKS - 1)
    if style == "A":  # revenue-heavy, coached toward customer impact
        return 0.85 - 0.70 * x
    if style == "B":  # steady customer impact
        return 0.18
    return 0.40 + 0.42 * x  # C: mixed, drifting to revenue under quarter-end pressure


def rep_p_revenue(style: str, week: int) -> float:
    """Reps mirror their manager with a lag (customer calls)."""
    if style == "A":
        return 0.80 - 0.55 * max(0, week - 2) / (WEEKS - 3)
    if style == "B":
        return 0.22
    return 0.35 + 0.40 * max(0, week - 1) / (WEEKS - 2)


# --------------------------------------------------------------------------------------------
# Dialogue generation
# --------------------------------------------------------------------------------------------


@dataclass
class Part:
    speaker: str  # canonical name
    text: str
    is_question: bool
    label: str  # revenue | customer_impact | other
    theme: str


@dataclass
class Turn:
    speaker: str
    text: str
    is_question: bool
    label: str
    theme: str
    internal: bool
    start: float = 0.0
    end: float = 0.0


@dataclass
class Call:
    call_id: str
    kind: str
    date: dt.date
    title: str
    rep: Person
    manager: Person
    account: Account | None
    fmt: str = ""
    turns: list[Turn] = field(default_factory=list)
    customers: list[str] = field(default_factory=list)
    week: int = 0
    manager_joins: bool = False
    specials: set[str] = field(default_factory=set)


INTERNAL = {p.name for p in MANAGERS + REPS}


class Picker:
    """Draws from pools without repeating a template inside one call."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[object] = set()

    def pick(self, pool: list[T]) -> T:
        fresh = [t for t in pool if t not in self.used]
        choice = self.rng.choice(fresh or pool)
        self.used.add(choice)
        return choice

    def theme(self, themes: list[str], recent: list[str]) -> str:
        options = [t for t in themes if t not in recent[-2:]] or themes
        return self.rng.choice(options)


def slots_for(account: Account, rng: random.Random, rep: Person, mgr: Person, date: dt.date) -> dict[str, str]:
    contact = account.contacts[0]
    return {
        "co": account.name,
        "co_short": account.short,
        "contact": contact[0].split()[0]
        if not contact[0].startswith("Dr.")
        else contact[0].split()[0] + " " + contact[0].split()[-1],
        "title": contact[1],
        "comp": account.comp,
        "amt": f"${rng.choice(DEAL_K)}k",
        "cost": f"${rng.choice(COST_K)}k",
        "users": account.users,
        "unit": account.unit,
        "pain": account.pain,
        "metric": account.metric,
        "system": account.system,
        "n": rng.choice(SMALL_N),
        "rep": rep.first,
        "mgr": mgr.first,
        "day": date.strftime("%A"),
    }


def fill(template: str, slots: dict[str, str]) -> str:
    """Fill a template's slots; a company is named in full once per call, then by its short name."""
    values = slots
    if "{co}" in template:
        if slots.get("_co_named"):
            values = dict(slots, co=slots["co_short"])
        slots["_co_named"] = "yes"
    text = template.format_map(values)
    return text[0].upper() + text[1:] if text and text[0].islower() else text


def merge_parts(parts: list[Part]) -> list[Turn]:
    """Join consecutive parts of one speaker into a turn; the last question decides its label."""
    turns: list[Turn] = []
    group: list[Part] = []

    def flush() -> None:
        if not group:
            return
        questions = [p for p in group if p.is_question]
        if questions:
            lead = questions[-1]
        else:
            focused = [p for p in group if p.label != "other"]
            lead = focused[-1] if focused else group[-1]
        text = " ".join(p.text.strip() for p in group)
        turns.append(
            Turn(group[0].speaker, text, bool(questions), lead.label, lead.theme, group[0].speaker in INTERNAL)
        )
        group.clear()

    for part in parts:
        if group and group[-1].speaker != part.speaker:
            flush()
        group.append(part)
    flush()
    for a, b in zip(turns, turns[1:], strict=False):
        assert a.speaker != b.speaker
    return turns


def focus_sequence(rng: random.Random, n_focus: int, p_rev: float) -> list[str]:
    n_rev = round(p_rev * n_focus + rng.uniform(-0.45, 0.45))
    n_rev = max(0, min(n_focus, n_rev))
    seq = ["revenue"] * n_rev + ["customer_impact"] * (n_focus - n_rev)
    rng.shuffle(seq)
    return seq


def gen_one_on_one(call: Call, rng: random.Random) -> None:
    mgr, rep = call.manager, call.rep
    pk = Picker(rng)
    accounts = ACCOUNTS_BY_REP[rep.name][:]
    rng.shuffle(accounts)
    s = slots_for(accounts[0], rng, rep, mgr, call.date)
    parts: list[Part] = []
    M, R = mgr.name, rep.name

    n_q = rng.randint(6, 12)
    n_other = 1 + (rng.random() < 0.6) + (rng.random() < 0.3 and n_q >= 9)
    n_focus = n_q - n_other
    seq = focus_sequence(rng, n_focus, manager_p_revenue(mgr.style, call.week))
    other_tail = rng.sample(["scheduling", "development", "agenda"], n_other - 1)

    def other_pair(theme: str) -> None:
        question, answers = pk.pick(MGR_OTHER_PAIRS[theme])
        parts.append(Part(M, fill(question, s), True, "other", theme))
        parts.append(Part(R, fill(rng.choice(answers), s), False, "other", theme))

    other_pair("week")
    if "agenda" in other_tail and rng.random() < 0.5:
        other_tail.remove("agenda")
        other_pair("agenda")
    recent: list[str] = []
    switch_at = rng.randint(2, max(2, n_focus - 2)) if n_focus >= 5 and rng.random() < 0.6 else -1
    rep_q_at = rng.randrange(1, n_focus) if rng.random() < 0.45 else -1
    for i, label in enumerate(seq):
        if i == switch_at:
            s = slots_for(accounts[1], rng, rep, mgr, call.date)
            parts.append(
                Part(
                    M,
                    rng.choice(["Okay, let's switch to", "Next one,", "Let's talk about"]) + f" {s['co']}.",
                    False,
                    "other",
                    "agenda",
                )
            )
            s["_co_named"] = "yes"
        elif i > 0 and rng.random() < 0.55:
            parts.append(Part(M, pk.pick(MGR_ACK), False, "other", "ack"))
        if i > 0 and rng.random() < 0.18:
            coach = seq[i - 1]  # reacts to the answer just given
            parts.append(Part(M, fill(pk.pick(MGR_COACH[coach]), s), False, coach, "coaching"))
        pools = MGR_REV_Q if label == "revenue" else MGR_IMP_Q
        theme = pk.theme(list(pools), recent)
        recent.append(theme)
        parts.append(Part(M, fill(pk.pick(pools[theme]), s), True, label, theme))
        answers = REP_REV_A if label == "revenue" else REP_IMP_A
        ans = fill(pk.pick(answers[theme]), s)
        if rng.random() < 0.2:
            lead = rng.choice(["Yeah, so ", "Um, ", "So ", "Good question. "])
            ans = lead + (ans if lead.endswith(". ") else lower_first(ans))
        parts.append(Part(R, ans, False, label, theme))
        if i == rep_q_at:
            kind = "revenue" if (label == "revenue" and rng.random() < 0.7) else "other"
            parts.append(Part(R, fill(pk.pick(REP_Q_TO_MGR[kind]), s), True, kind, "rep_question"))
            parts.append(Part(M, fill(pk.pick(MGR_A_TO_REP[kind]), s), False, kind, "rep_question"))
    for theme in other_tail:
        other_pair("wrap_up" if theme == "agenda" else theme)
    parts.append(
        Part(
            M,
            rng.choice(
                [
                    "Great, thanks {rep}.",
                    "Thanks, talk soon.",
                    "Okay, good chat. Thanks!",
                    "Alright, have a good rest of your {day}.",
                ]
            ).format_map(s),
            False,
            "other",
            "closing",
        )
    )
    if rng.random() < 0.5 or len(merge_parts(parts)) < 14:
        parts.append(
            Part(
                R,
                rng.choice(["Thanks, you too.", "Bye!", "Thanks {mgr}.", "See you."]).format_map(s),
                False,
                "other",
                "closing",
            )
        )
    call.turns = merge_parts(parts)
    n_questions = sum(t.is_question for t in call.turns if t.speaker == M)
    assert n_questions == n_q, (call.call_id, n_questions, n_q)


def gen_customer_call(call: Call, rng: random.Random) -> None:
    mgr, rep, acct = call.manager, call.rep, call.account
    assert acct is not None
    pk = Picker(rng)
    s = slots_for(acct, rng, rep, mgr, call.date)
    R, M = rep.name, mgr.name
    customers = [c for c, _ in acct.contacts]
    if rng.random() < 0.6:
        customers = customers[:1]
    call.customers = customers
    C0 = customers[0]

    def cust() -> str:
        return rng.choice(customers)

    parts: list[Part] = []
    opener, replies = pk.pick(REP_OPENER_PAIRS)
    parts.append(Part(R, fill(opener, s), True, "other", "small_talk"))
    parts.append(Part(C0, fill(rng.choice(replies), s), False, "other", "small_talk"))
    n_disc = rng.randint(5, 8)
    n_prod = rng.randint(1, 3)
    mgr_qs: list[int] = []
    if call.manager_joins:
        n_disc = min(n_disc, 6)
        n_prod = 1
        parts.append(Part(R, fill(pk.pick(REP_INTRO_MGR), s), False, "other", "intro"))
        parts.append(Part(M, fill(pk.pick(MGR_GREET_CUST), s), False, "other", "intro"))
        parts.append(Part(C0, fill(pk.pick(CUST_WELCOME), s), False, "other", "intro"))
        mgr_qs = sorted(rng.sample(range(1, n_disc), rng.randint(1, 2)))
    parts.append(Part(R, fill(pk.pick(REP_AGENDA), s), False, "other", "agenda"))
    seq = focus_sequence(rng, n_disc, rep_p_revenue(mgr.style, call.week))
    prod_at = set(rng.sample(range(1, n_disc), min(n_prod, n_disc - 1)))
    recent: list[str] = []
    early_stage = call.title.endswith((STAGES[0], STAGES[1]))
    for i, label in enumerate(seq):
        if i in prod_at:
            k = rng.randrange(len(CUST_PRODUCT_Q))
            while CUST_PRODUCT_Q[k] in pk.used:
                k = rng.randrange(len(CUST_PRODUCT_Q))
            pk.used.add(CUST_PRODUCT_Q[k])
            parts.append(Part(cust(), fill(CUST_PRODUCT_Q[k], s), True, "other", "product"))
            parts.append(Part(R, fill(REP_PRODUCT_A[k], s), False, "other", "product"))
        asker = R
        q_label = label
        if i in mgr_qs:
            asker = M
            q_label = "revenue" if rng.random() < manager_p_revenue(mgr.style, call.week) else "customer_impact"
        pools = REP_CUST_REV_Q if q_label == "revenue" else REP_CUST_IMP_Q
        themes = list(pools)
        if early_stage and "adoption" in themes:  # no pilot to ask about yet
            themes.remove("adoption")
        theme = pk.theme(themes, recent)
        recent.append(theme)
        q = fill(pk.pick(pools[theme]), s)
        if asker == R and i > 0 and rng.random() < 0.35:
            q = (
                rng.choice(
                    ["Okay, that's helpful.", "Got it.", "Makes sense.", "Thanks, that's useful.", "Interesting."]
                )
                + " "
                + q
            )
        parts.append(Part(asker, q, True, q_label, theme))
        answers = CUST_REV_A if q_label == "revenue" else CUST_IMP_A
        a = fill(pk.pick(answers[theme]), s)
        if rng.random() < 0.2:
            lead = rng.choice(PRE_ANSWER)
            a = lead + " " + (a if lead.endswith(".") else lower_first(a))
        who = cust()
        parts.append(Part(who, a, False, q_label, theme))
        if len(customers) > 1 and q_label == "customer_impact" and rng.random() < 0.3:
            other = customers[1] if who == customers[0] else customers[0]
            parts.append(Part(other, fill(pk.pick(CUST_ADDON), s), False, "other", "addon"))
    parts.append(Part(R, fill(pk.pick(REP_CLOSE_Q), s), True, "other", "scheduling"))
    parts.append(Part(cust(), fill(pk.pick(CUST_CLOSE_A), s), False, "other", "scheduling"))
    parts.append(Part(R, fill(pk.pick(REP_FINAL), s), False, "other", "closing"))
    if rng.random() < 0.6:
        parts.append(Part(cust(), pk.pick(CUST_FINAL), False, "other", "closing"))
    call.turns = merge_parts(parts)


# --------------------------------------------------------------------------------------------
# Calls and formats
# --------------------------------------------------------------------------------------------


def slug(text: str) -> str:
    table = str.maketrans("áéíóúñçøöüèàëïôûÁÉÍÓÚÑ", "aeiouncoouaeeiouAEIOUN")
    return re.sub(r"[^a-z0-9]+", "-", text.translate(table).lower()).strip("-")


FORMAT_COUNTS = {
    "zoom_vtt": 26,
    "teams_vtt": 22,
    "srt": 14,
    "txt": 14,
    "txt_ts": 12,
    "otter": 14,
    "meet": 12,
    "whisper": 14,
    "assemblyai": 12,
    "aws": 8,
    "deepgram": 12,
    "gong": 10,
    "gong_bare": 6,
    "csv": 13,
    "parquet": 3,
}
EXT = {
    "zoom_vtt": "vtt",
    "teams_vtt": "vtt",
    "srt": "srt",
    "txt": "txt",
    "txt_ts": "txt",
    "otter": "txt",
    "meet": "txt",
    "whisper": "json",
    "assemblyai": "json",
    "aws": "json",
    "deepgram": "json",
    "gong": "json",
    "gong_bare": "json",
    "csv": "csv",
    "parquet": "parquet",
}
DIARISED = {"whisper", "assemblyai", "aws", "deepgram", "gong_bare"}
ASR_STYLE = {"whisper", "assemblyai", "aws", "deepgram"}


def build_calls(rng: random.Random) -> list[Call]:
    calls: list[Call] = []
    visits: dict[str, int] = {}
    for week in range(WEEKS):
        monday = FIRST_MONDAY + dt.timedelta(weeks=week)
        for i, rep in enumerate(REPS):
            mgr = MANAGER_BY_NAME[rep.manager]
            day = monday + dt.timedelta(days=ONE_ON_ONE_WEEKDAY[mgr.name])
            cid = f"{day.isoformat()}_one_on_one_{slug(mgr.name)}_{slug(rep.name)}"
            calls.append(
                Call(cid, "one_on_one", day, f"{mgr.name} / {rep.name} weekly one-on-one", rep, mgr, None, week=week)
            )
            acct = ACCOUNTS_BY_REP[rep.name][(week + i) % 3]
            stage = STAGES[min(visits.get(acct.name, 0), len(STAGES) - 1)]
            visits[acct.name] = visits.get(acct.name, 0) + 1
            days = [monday + dt.timedelta(days=d) for d in range(5)]
            day = rng.choice([d for d in days if d not in HOLIDAYS])
            cid = f"{day.isoformat()}_customer_call_{slug(acct.name)}_{slug(rep.name)}"
            call = Call(cid, "customer_call", day, f"Halyard / {acct.name} - {stage}", rep, mgr, acct, week=week)
            call.manager_joins = rng.random() < 0.14
            calls.append(call)
    # every manager joins at least one customer call
    for mgr in MANAGERS:
        mine = [c for c in calls if c.kind == "customer_call" and c.manager is mgr]
        if not any(c.manager_joins for c in mine):
            mine[5].manager_joins = True
    calls.sort(key=lambda c: c.call_id)
    return calls


def find(calls: list[Call], kind: str, week: int, rep: str) -> Call:
    return next(c for c in calls if c.kind == kind and c.week == week and c.rep.name == rep)


def assign_formats(calls: list[Call], rng: random.Random) -> None:
    forced = {
        find(calls, "one_on_one", 0, "Sam Ortiz").call_id: ("zoom_vtt", "quick_note"),
        find(calls, "one_on_one", 4, "Priya Raman").call_id: ("zoom_vtt", "bom_crlf"),
        find(calls, "one_on_one", 2, "Kwame Mensah").call_id: ("txt", "cp1252"),
        find(calls, "customer_call", 3, "Aoife Gallagher").call_id: ("zoom_vtt", "arrow"),
        find(calls, "one_on_one", 1, "Robert Chen").call_id: ("teams_vtt", "email_alias"),
        find(calls, "customer_call", 6, "Robert Chen").call_id: ("zoom_vtt", ""),
        find(calls, "one_on_one", 7, "Robert Chen").call_id: ("otter", ""),
        find(calls, "customer_call", 5, "Jamal Carter").call_id: ("otter", "otter_unknown"),
        find(calls, "one_on_one", 3, "Hiroshi Tanaka").call_id: ("srt", ""),
        find(calls, "customer_call", 2, "Lena Novak").call_id: ("whisper", "unmapped"),
        find(calls, "customer_call", 8, "Kwame Mensah").call_id: ("deepgram", "unmapped"),
        find(calls, "customer_call", 1, "Hiroshi Tanaka").call_id: ("teams_vtt", ""),
    }
    remaining = dict(FORMAT_COUNTS)
    for fmt, _ in forced.values():
        remaining[fmt] -= 1
    gong = ["gong"] * remaining.pop("gong") + ["gong_bare"] * remaining.pop("gong_bare")
    others = [f for f, n in remaining.items() for _ in range(n)]
    rng.shuffle(others)
    customer = [c for c in calls if c.kind == "customer_call" and c.call_id not in forced]
    gong_calls = set(c.call_id for c in rng.sample(customer, len(gong)))
    for call in calls:
        if call.call_id in forced:
            call.fmt, special = forced[call.call_id]
            if special:
                call.specials.add(special)
        elif call.call_id in gong_calls:
            call.fmt = gong.pop()
        else:
            call.fmt = others.pop()
    assert not others and not gong
    # María shows up without accents in SRT exports (the roster lists the alias)
    for call in calls:
        if call.fmt == "srt" and call.manager.name == "María Farías" and call.kind == "one_on_one":
            call.specials.add("maria_ascii")


# --------------------------------------------------------------------------------------------
# Speech-recognition style rendering
# --------------------------------------------------------------------------------------------

ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> str:
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    rest = n % 100
    return ONES[n // 100] + " hundred" + ("" if rest == 0 else " and " + number_words(rest))


def _proper_words() -> frozenset[str]:
    words = {
        "I",
        "I'm",
        "I'd",
        "I'll",
        "I've",
        "IT",
        "SOC",
        "PO",
        "MSA",
        "QBR",
        "CRM",
        "CFO",
        "COO",
        "CEO",
        "ARR",
        "Okta",
        "Excel",
        "AWS",
        "SAML",
        "SMS",
        "CSV",
        "NDA",
        "REST",
        "iOS",
        "Android",
        "Spanish",
        "French",
        "EU",
        "US",
        "OEE",
        "ED",
        "P&L",
        "Jordan",
        "Denver",
        "December",
        "March",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Halyard",
        "Dr.",
    }
    for person in MANAGERS + REPS:
        words.update(person.name.split())
    for acct in ACCOUNTS:
        for text in (acct.name, acct.comp, acct.system, *(name for name, _ in acct.contacts)):
            words.update(text.split())
    return frozenset(w.strip(",.?!'s") for w in words) | frozenset(words)


PROPER = _proper_words()


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is a name, an acronym or "I"."""
    first = text.split()[0].strip(",.?!")
    if first in PROPER or first.removesuffix("'s") in PROPER:
        return text
    return text[0].lower() + text[1:]


def _money(match: re.Match[str], style: str) -> str:
    k = int(match.group(1))
    if style == "deepgram":
        return number_words(k) + " thousand dollars"
    return f"${k},000"


def asr_render(text: str, style: str, rng: random.Random) -> str:
    """Make text look like a speech recogniser wrote it (fillers, few question marks...)."""
    text = re.sub(r"\$(\d+)k\b", lambda m: _money(m, style), text)
    text = text.replace(" - ", ", ").replace(";", ",").replace('"', "")
    words = text.split()
    keep_q = {"whisper": 0.35, "assemblyai": 0.25, "aws": 0.15, "deepgram": 0.0}[style]
    fillers = {"whisper": 0.25, "assemblyai": 0.0, "aws": 0.3, "deepgram": 0.35}[style]
    # false start: repeat the first word or two
    if len(words) > 4 and rng.random() < 0.1:
        k = rng.choice([1, 2])
        rep = [w.strip(",.?!") for w in words[:k]]
        rep[-1] = rep[-1] + ("," if style != "deepgram" else "")
        words = rep + lower_first(" ".join(words)).split()
    if len(words) > 8 and rng.random() < 0.12:
        j = rng.randrange(3, len(words) - 3)
        if not words[j - 1].endswith((",", ".", "?")):
            words[j - 1] += ","
        words.insert(j, "you know,")
    text = " ".join(words)
    out = []
    for ch in text:
        if ch == "?":
            out.append("?" if rng.random() < keep_q else ".")
        else:
            out.append(ch)
    text = "".join(out)
    if rng.random() < fillers:
        text = rng.choice(["Um, ", "Uh, ", "So um, ", "Yeah, um, "]) + lower_first(text)
    if style == "deepgram":
        text = text.lower()
        text = re.sub(r"[.,?!:]+(?=\s|$)", "", text)
        text = re.sub(r"\s+", " ", text).strip()
    return text.strip()


# --------------------------------------------------------------------------------------------
# Timing and splitting helpers
# --------------------------------------------------------------------------------------------


def set_times(call: Call, rng: random.Random) -> None:
    t = rng.uniform(0.6, 4.5)
    for turn in call.turns:
        words = len(turn.text.split())
        dur = words / rng.uniform(2.2, 3.0) + rng.uniform(0.2, 0.6)
        turn.start = round(t, 3)
        turn.end = round(t + dur, 3)
        t = turn.end + (rng.uniform(0.2, 1.4) if rng.random() > 0.08 else rng.uniform(2.0, 5.0))


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text) if s]


def chunk_words(text: str, rng: random.Random, max_words: int) -> list[str]:
    words = text.split()
    if len(words) <= max_words:
        return [text]
    out: list[str] = []
    i = 0
    while i < len(words):
        step = rng.randint(max(8, max_words - 6), max_words)
        if len(words) - (i + step) < 4:
            step = len(words) - i
        out.append(" ".join(words[i : i + step]))
        i += step
    return out


def timed_pieces(turn: Turn, pieces: list[str]) -> list[tuple[float, float, str]]:
    total = sum(len(p.split()) for p in pieces)
    span = turn.end - turn.start
    out = []
    t = turn.start
    for k, p in enumerate(pieces):
        end = turn.end if k == len(pieces) - 1 else t + span * len(p.split()) / total
        out.append((round(t, 3), round(end, 3), p))
        t = end
    return out


def clock(seconds: float, sep: str = ".") -> str:
    ms = int(round(seconds * 1000))
    h, rem = divmod(ms, 3600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def hms(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def otter_clock(seconds: float) -> str:
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


# --------------------------------------------------------------------------------------------
# Writers: each returns (file bytes, manifest speakers string)
# --------------------------------------------------------------------------------------------


def display_name(call: Call, name: str) -> str:
    if name == "Robert Chen":
        if "email_alias" in call.specials:
            return f"bob.chen@{DOMAIN}"
        if call.fmt in {"zoom_vtt", "otter"}:
            return "Bob Chen"
    if name == "María Farías" and "maria_ascii" in call.specials:
        return "Maria Farias"
    return name


def diarised_labels(call: Call, style: str) -> dict[str, object]:
    order: list[str] = []
    for t in call.turns:
        if t.speaker not in order:
            order.append(t.speaker)
    labels: dict[str, object] = {}
    for i, name in enumerate(order):
        labels[name] = {
            "whisper": f"SPEAKER_{i:02d}",
            "assemblyai": chr(ord("A") + i),
            "aws": f"spk_{i}",
            "deepgram": i,
        }[style]
    return labels


def speakers_field(call: Call, labels: dict[str, object]) -> str:
    pairs = []
    for name, lab in labels.items():
        if "unmapped" in call.specials and name not in INTERNAL:
            continue
        pairs.append(f"{lab}={name}")
    return "|".join(pairs)


def write_zoom(call: Call, rng: random.Random) -> str:
    lines = ["WEBVTT", ""]
    n = 0
    for turn in call.turns:
        name = display_name(call, turn.speaker)
        pieces = chunk_words(turn.text, rng, 16)
        for k, (a, b, text) in enumerate(timed_pieces(turn, pieces)):
            n += 1
            prefix = f"{name}: "
            if k > 0 and ":" not in text and rng.random() < 0.5:
                prefix = ""
            lines += [str(n), f"{clock(a)} --> {clock(b)}", prefix + text, ""]
    return "\n".join(lines)


def teams_escape(text: str) -> str:
    return "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in html.escape(text, quote=False))


def write_teams(call: Call, rng: random.Random) -> str:
    guid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    lines = ["WEBVTT", ""]
    base = rng.randint(3, 40)
    for i, turn in enumerate(call.turns):
        name = teams_escape(display_name(call, turn.speaker))
        pieces = chunk_words(turn.text, rng, 18)
        for k, (a, b, text) in enumerate(timed_pieces(turn, pieces)):
            lines += [
                f"{guid}/{base + i}-{k}",
                f"{clock(a)} --> {clock(b)}",
                f"<v {name}>{html.escape(text, quote=False)}</v>",
                "",
            ]
    return "\n".join(lines)


def write_srt(call: Call, rng: random.Random) -> str:
    lines: list[str] = []
    n = 0
    for turn in call.turns:
        name = display_name(call, turn.speaker)
        for a, b, text in timed_pieces(turn, chunk_words(turn.text, rng, 20)):
            n += 1
            lines += [str(n), f"{clock(a, ',')} --> {clock(b, ',')}", f"{name}: {text}", ""]
    return "\n".join(lines)


def write_txt(call: Call, rng: random.Random) -> str:
    return "\n".join(f"{display_name(call, t.speaker)}: {t.text}" for t in call.turns) + "\n"


def write_txt_ts(call: Call, rng: random.Random) -> str:
    return "\n".join(f"[{hms(t.start)}] {display_name(call, t.speaker)}: {t.text}" for t in call.turns) + "\n"


def write_otter(call: Call, rng: random.Random) -> str:
    lines: list[str] = []
    for t in call.turns:
        name = display_name(call, t.speaker)
        if "otter_unknown" in call.specials and t.speaker not in INTERNAL:
            name = f"Speaker {call.customers.index(t.speaker) + 1}"
        lines += [f"{name}  {otter_clock(t.start)}", t.text, ""]
    lines += ["", "Transcribed by https://otter.ai", ""]
    return "\n".join(lines)


def write_meet(call: Call, rng: random.Random) -> str:
    lines = [f"{call.title} - Transcript", f"{call.date:%b} {call.date.day}, {call.date.year}", ""]
    next_stamp = 0
    for i, t in enumerate(call.turns):
        if i == next_stamp:
            if i:
                lines.append("")
            lines.append(hms(t.start) if i else "00:00:00")
            next_stamp = i + rng.randint(3, 6)
        lines.append(f"{display_name(call, t.speaker)}: {t.text}")
    return "\n".join(lines) + "\n"


def write_whisper(call: Call, rng: random.Random, labels: dict[str, object]) -> str:
    segs = []
    for t in call.turns:
        pieces: list[str] = []
        for sent in sentences(t.text):
            pieces += chunk_words(sent, rng, 24)
        if len(pieces) > 1 and rng.random() < 0.5:
            pieces = [t.text]
        for a, b, text in timed_pieces(t, pieces):
            segs.append({"start": a, "end": b, "text": " " + text, "speaker": labels[t.speaker]})
    return json.dumps({"segments": segs, "language": "en"}, ensure_ascii=False, indent=2) + "\n"


def write_assemblyai(call: Call, rng: random.Random, labels: dict[str, object]) -> str:
    utts = []
    for t in call.turns:
        utts.append(
            {
                "speaker": labels[t.speaker],
                "text": t.text,
                "confidence": round(rng.uniform(0.86, 0.97), 4),
                "start": int(t.start * 1000),
                "end": int(t.end * 1000),
            }
        )
    doc = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "status": "completed",
        "language_code": "en_us",
        "audio_url": f"https://recordings.{DOMAIN}/{call.call_id}.mp3",
        "text": " ".join(t.text for t in call.turns),
        "confidence": round(sum(u["confidence"] for u in utts) / len(utts), 4),
        "audio_duration": int(call.turns[-1].end) + 2,
        "punctuate": True,
        "format_text": True,
        "speaker_labels": True,
        "utterances": utts,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    for w in text.split():
        m = re.match(r"^(.*?)([.,?!]*)$", w)
        assert m
        if m.group(1):
            out.append(("pronunciation", m.group(1)))
        for p in m.group(2):
            out.append(("punctuation", p))
    return out


def write_aws(call: Call, rng: random.Random, labels: dict[str, object]) -> str:
    items = []
    segments = []
    for t in call.turns:
        pieces = sentences(t.text) if rng.random() < 0.3 else [t.text]
        for a, b, text in timed_pieces(t, pieces):
            toks = _tokens(text)
            prons = [x for x in toks if x[0] == "pronunciation"]
            weights = [len(w) + 2 for _, w in prons]
            total = sum(weights)
            cur = a
            seg_items = []
            k = 0
            for typ, content in toks:
                if typ == "pronunciation":
                    end = cur + (b - a) * weights[k] / total
                    k += 1
                    st, en = f"{cur:.2f}", f"{max(end - 0.02, cur + 0.01):.2f}"
                    items.append(
                        {
                            "start_time": st,
                            "end_time": en,
                            "alternatives": [{"confidence": f"{rng.uniform(0.82, 1.0):.4f}", "content": content}],
                            "type": "pronunciation",
                        }
                    )
                    seg_items.append({"start_time": st, "end_time": en, "speaker_label": labels[t.speaker]})
                    cur = end
                else:
                    items.append({"alternatives": [{"confidence": "0.0", "content": content}], "type": "punctuation"})
            segments.append(
                {
                    "start_time": f"{a:.2f}",
                    "end_time": seg_items[-1]["end_time"],
                    "speaker_label": labels[t.speaker],
                    "items": seg_items,
                }
            )
    doc = {
        "jobName": f"halyard-{call.call_id.replace('_', '-')}"[:200],
        "accountId": "123456789012",
        "status": "COMPLETED",
        "results": {
            "transcripts": [{"transcript": " ".join(t.text for t in call.turns)}],
            "speaker_labels": {"speakers": len(labels), "segments": segments},
            "items": items,
        },
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def write_deepgram(call: Call, rng: random.Random, labels: dict[str, object]) -> str:
    utts = []
    words = []
    for t in call.turns:
        pieces = [t.text]
        ws = t.text.split()
        if len(ws) > 16 and rng.random() < 0.4:
            cut = rng.randint(6, len(ws) - 6)
            pieces = [" ".join(ws[:cut]), " ".join(ws[cut:])]
        for a, b, text in timed_pieces(t, pieces):
            conf = round(rng.uniform(0.9, 0.999), 5)
            utts.append(
                {
                    "start": a,
                    "end": b,
                    "confidence": conf,
                    "channel": 0,
                    "transcript": text,
                    "speaker": labels[t.speaker],
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                }
            )
            tok = text.split()
            step = (b - a) / len(tok)
            for k, w in enumerate(tok):
                words.append(
                    {
                        "word": w,
                        "start": round(a + k * step, 3),
                        "end": round(a + (k + 1) * step - 0.02, 3),
                        "confidence": round(rng.uniform(0.8, 1.0), 5),
                        "speaker": labels[t.speaker],
                        "speaker_confidence": round(rng.uniform(0.5, 0.99), 5),
                    }
                )
    duration = round(call.turns[-1].end + 1.3, 3)
    created = dt.datetime.combine(call.date, dt.time(17, 30)) + dt.timedelta(seconds=rng.randint(0, 7200))
    doc = {
        "metadata": {
            "transaction_key": "deprecated",
            "request_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "sha256": f"{rng.getrandbits(256):064x}",
            "created": created.strftime("%Y-%m-%dT%H:%M:%S.") + f"{rng.randint(0, 999):03d}Z",
            "duration": duration,
            "channels": 1,
            "models": [str(uuid.UUID(int=rng.getrandbits(128), version=4))],
        },
        "results": {
            "channels": [
                {
                    "alternatives": [
                        {
                            "transcript": " ".join(t.text for t in call.turns),
                            "confidence": round(rng.uniform(0.93, 0.99), 5),
                            "words": words,
                        }
                    ]
                }
            ],
            "utterances": utts,
        },
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


GONG_TOPICS = {
    "revenue": "Pricing",
    "customer_impact": "Business Challenges",
    "product": "Product",
    "small_talk": "Small Talk",
    "scheduling": "Next Steps",
    "closing": "Next Steps",
    "intro": "Call Setup",
}


def _gong_id(rng: random.Random) -> str:
    return str(rng.randrange(10**18, 10**19))


def write_gong(call: Call, rng: random.Random, with_parties: bool) -> tuple[str, str]:
    call_gong_id = _gong_id(rng)
    order: list[str] = []
    for t in call.turns:
        if t.speaker not in order:
            order.append(t.speaker)
    sid = {name: _gong_id(rng) for name in order}
    transcript = []
    offset = rng.randint(5, 40) * 1000  # recordings start before the first word
    for t in call.turns:
        sents = []
        for a, b, text in timed_pieces(t, sentences(t.text)):
            sents.append({"start": offset + int(a * 1000), "end": offset + int(b * 1000), "text": text})
        topic = GONG_TOPICS.get(t.theme) or GONG_TOPICS.get(t.label)
        transcript.append({"speakerId": sid[t.speaker], "topic": topic, "sentences": sents})
    doc: dict[str, object] = {
        "requestId": "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(22)),
        "records": {"totalRecords": 1, "currentPageSize": 1, "currentPageNumber": 0},
        "callTranscripts": [{"callId": call_gong_id, "transcript": transcript}],
    }
    mapping = ""
    if with_parties:
        started = dt.datetime.combine(
            call.date, dt.time(rng.choice([9, 10, 11, 13, 14, 15, 16]), rng.choice([0, 0, 30]), rng.randint(0, 59))
        )
        tz = "-04:00" if call.date < dt.date(2026, 11, 1) else "-05:00"  # US Eastern, DST ends Nov 1
        parties = []
        acct = call.account
        for name in order:
            internal = name in INTERNAL
            if internal:
                email = next(p.email for p in MANAGERS + REPS if p.name == name)
            else:
                assert acct is not None
                email = slug(name.removeprefix("Dr. ").replace("'", "")).replace("-", ".") + "@" + acct.domain
            party = {
                "id": _gong_id(rng),
                "emailAddress": email,
                "name": name,
                "title": next((t for n, t in acct.contacts if n == name), None) if acct and not internal else None,
                "speakerId": sid[name],
                "affiliation": "Internal" if internal else "External",
                "methods": ["Invitee"],
            }
            if internal:
                party["userId"] = _gong_id(rng)
            parties.append(party)
        if acct is not None and len(call.customers) == 1:  # invited colleague who never spoke
            other, title = acct.contacts[1]
            parties.append(
                {
                    "id": _gong_id(rng),
                    "emailAddress": slug(other.removeprefix("Dr. ").replace("'", "")).replace("-", ".")
                    + "@"
                    + acct.domain,
                    "name": other,
                    "title": title,
                    "speakerId": None,
                    "affiliation": "External",
                    "methods": ["Invitee"],
                }
            )
        doc["calls"] = [
            {
                "metaData": {
                    "id": call_gong_id,
                    "url": f"https://app.gong.io/call?id={call_gong_id}",
                    "title": call.title,
                    "scheduled": started.replace(second=0).isoformat() + tz,
                    "started": started.isoformat() + tz,
                    "duration": int(call.turns[-1].end + offset / 1000) + 3,
                    "direction": "Conference",
                    "system": "Zoom",
                    "scope": "External",
                    "media": "Video",
                    "language": "eng",
                },
                "parties": parties,
            }
        ]
    else:
        mapping = "|".join(f"{sid[name]}={name}" for name in order)
    return json.dumps(doc, ensure_ascii=True, indent=2) + "\n", mapping


def write_csv(call: Call, rng: random.Random) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["call_id", "speaker", "start_s", "end_s", "text"])
    for row in table_rows(call, rng):
        w.writerow(row)
    return buf.getvalue()


def table_rows(call: Call, rng: random.Random) -> list[list[object]]:
    rows: list[list[object]] = []
    for t in call.turns:
        pieces = sentences(t.text) if rng.random() < 0.3 else [t.text]
        for a, b, text in timed_pieces(t, pieces):
            rows.append([call.call_id, t.speaker, round(a, 2), round(b, 2), text])
    return rows


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def apply_specials(call: Call) -> None:
    if "quick_note" in call.specials:
        turn = next(
            (t for t in call.turns if t.speaker == call.rep.name and t.label == "revenue"),
            next(t for t in call.turns if t.speaker == call.rep.name),
        )
        turn.text = "Quick note: the PO for the pilot is late. " + turn.text
    if "arrow" in call.specials:
        turn = (
            next(t for t in call.turns if not t.internal and t.label == "customer_impact")
            if any(not t.internal and t.label == "customer_impact" for t in call.turns)
            else next(t for t in call.turns if not t.internal)
        )
        turn.text = "We went from 3 --> 5 sites this year. " + turn.text
    if "cp1252" in call.specials:
        for t in call.turns:
            t.text = t.text.replace("'", "\u2019")


FORMAT_NAMES = {
    "zoom_vtt": "Zoom WebVTT",
    "teams_vtt": "Microsoft Teams WebVTT",
    "srt": "SRT",
    "txt": "plain text `Name: text`",
    "txt_ts": "plain text `[HH:MM:SS] Name: text`",
    "otter": "Otter export",
    "meet": "Google Meet text export",
    "whisper": "Whisper/WhisperX JSON",
    "assemblyai": "AssemblyAI JSON",
    "aws": "AWS Transcribe JSON",
    "deepgram": "Deepgram JSON",
    "gong": "Gong JSON with parties",
    "gong_bare": "Gong JSON without parties",
    "csv": "CSV",
    "parquet": "Parquet",
}


def write_readme_file_list(calls: list[Call]) -> None:
    """Rewrite the generated file-by-format list at the end of README.md (if the README exists)."""
    readme = HERE / "README.md"
    if not readme.exists():
        return
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- formats:start (written by make_samples.py) -->", "<!-- formats:end -->"
    if start not in text or end not in text:
        return
    lines = [start, ""]
    for fmt, title in FORMAT_NAMES.items():
        mine = [c for c in calls if c.fmt == fmt]
        lines += [f"<details><summary>{title}: {len(mine)} files</summary>", ""]
        lines += [f"- `calls/{c.call_id}.{EXT[fmt]}`" for c in mine]
        lines += ["", "</details>", ""]
    lines.append(end)
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    readme.write_bytes((head + "\n".join(lines) + tail).encode("utf-8"))


def main() -> None:
    rng = random.Random(SEED)
    calls = build_calls(rng)
    assign_formats(calls, rng)
    if CALLS_DIR.exists():
        shutil.rmtree(CALLS_DIR)
    CALLS_DIR.mkdir(parents=True)

    manifest = []
    label_rows = []
    for call in calls:
        crng = random.Random(f"{SEED}:{call.call_id}")
        (gen_one_on_one if call.kind == "one_on_one" else gen_customer_call)(call, crng)
        for t in call.turns:
            assert t.speaker in INTERNAL or call.kind == "customer_call"
        assert 14 <= len(call.turns) <= 30, (call.call_id, len(call.turns))
        if call.fmt in ASR_STYLE:
            for t in call.turns:
                t.text = asr_render(t.text, call.fmt, crng)
        apply_specials(call)
        set_times(call, crng)

        rel = f"calls/{call.call_id}.{EXT[call.fmt]}"
        path = HERE / rel
        speakers = ""
        encoding, newline = "utf-8", "\n"
        if call.fmt == "zoom_vtt":
            text = write_zoom(call, crng)
        elif call.fmt == "teams_vtt":
            text = write_teams(call, crng)
        elif call.fmt == "srt":
            text = write_srt(call, crng)
        elif call.fmt == "txt":
            text = write_txt(call, crng)
        elif call.fmt == "txt_ts":
            text = write_txt_ts(call, crng)
        elif call.fmt == "otter":
            text = write_otter(call, crng)
        elif call.fmt == "meet":
            text = write_meet(call, crng)
        elif call.fmt in {"whisper", "assemblyai", "aws", "deepgram"}:
            labels = diarised_labels(call, call.fmt)
            writer = {
                "whisper": write_whisper,
                "assemblyai": write_assemblyai,
                "aws": write_aws,
                "deepgram": write_deepgram,
            }[call.fmt]
            text = writer(call, crng, labels)
            speakers = speakers_field(call, labels)
        elif call.fmt in {"gong", "gong_bare"}:
            text, speakers = write_gong(call, crng, call.fmt == "gong")
        elif call.fmt == "csv":
            text = write_csv(call, crng)
        elif call.fmt == "parquet":
            text = ""
            df = pd.DataFrame(table_rows(call, crng), columns=["call_id", "speaker", "start_s", "end_s", "text"])
            df.to_parquet(path, index=False, engine="pyarrow", compression="snappy")
        else:
            raise AssertionError(call.fmt)
        if call.fmt != "parquet":
            if "cp1252" in call.specials:
                encoding = "cp1252"
            if "bom_crlf" in call.specials:
                encoding, newline = "utf-8-sig", "\r\n"
            path.write_bytes(text.replace("\n", newline).encode(encoding))

        manifest.append(
            {
                "path": rel,
                "call_id": call.call_id,
                "kind": call.kind,
                "date": call.date.isoformat(),
                "title": call.title,
                "speakers": speakers,
            }
        )
        for i, t in enumerate(call.turns):
            if t.internal:
                label_rows.append(
                    {
                        "call_id": call.call_id,
                        "index": i,
                        "speaker": t.speaker,
                        "text": t.text,
                        "is_question": t.is_question,
                        "label": t.label,
                        "theme": t.theme,
                    }
                )

    with open(HERE / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, ["path", "call_id", "kind", "date", "title", "speakers"], lineterminator="\n")
        w.writeheader()
        w.writerows(manifest)
    # JSON lines, not CSV: a CSV with speaker and text columns would itself look like a transcript
    # to `convolens score data/samples`.
    with open(HERE / "labels.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for row in label_rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    write_readme_file_list(calls)
    with open(HERE / "roster.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", "role", "manager", "team", "aliases", "email"])
        for p in MANAGERS + REPS:
            w.writerow([p.name, p.role, p.manager, p.team, "|".join(p.aliases), p.email])


if __name__ == "__main__":
    main()
