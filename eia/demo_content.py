"""The demonstration council as plain data: Islington's directorates and services, its people,
and the EIAs they write, drawn from the Challenging Inequality outcomes framework.

Dates are whole numbers of days from the day the demo is loaded (negative: in the past), so
the data stays current whenever it is loaded. ``eia.demo_data`` reads this module and plays
each EIA's ``history`` through the real operations, so every row has its audit record.

Figures quoted from the borough profile and the outcomes framework are the ones whose
meaning the source makes clear; service figures are illustrative.
"""

from dataclasses import dataclass, field

# --- shapes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    role: str
    directorate: str | None = None
    service: str | None = None  # within ``directorate``


@dataclass(frozen=True)
class Impact:
    """One scored impact: direction, (likelihood, severity) before and after mitigation."""

    direction: str
    inherent: tuple[int, int]
    residual: tuple[int, int] | None = None  # the same as inherent when not given
    evidence: str = ""
    gap: str = ""  # the reason for an evidence gap; empty when there is none
    mitigation: str = ""
    aims: tuple[str, ...] = ("opportunity",)  # discrimination, opportunity, relations


@dataclass(frozen=True)
class Intersectional:
    description: str
    characteristics: tuple[str, ...]
    impact: Impact


@dataclass(frozen=True)
class Engagement:
    who: str
    method: str
    held_on: int
    said: str
    changed: str


@dataclass(frozen=True)
class Action:
    description: str = ""
    due: int | None = None
    status: str = "planned"
    owner: str | None = None  # an email; the EIA's owner when not given
    impact: str | None = None  # the characteristic whose impact it mitigates
    intersectional: int | None = None  # or the index of the intersectional impact
    from_gap: str | None = None  # the action raised from this characteristic's evidence gap


@dataclass(frozen=True)
class Step:
    """One thing done to an EIA on ``day``, by its owner unless ``by`` says otherwise (an
    email, "approver" for the directorate's approver, "equality" or "scheduler").

    ``do`` is a section: create, proposal, screening, evidence, engagement, impacts,
    intersectional, actions, outcome (each writes the spec's content, or the part named in
    ``only``, with ``changes`` laid over it); progress (action ``n`` moves to ``status``);
    comment (``body`` on ``section``, by the equality officer unless ``by``); or a lifecycle
    event (approve, return, revise, ...) whose other arguments are the event's inputs.
    """

    day: int
    do: str
    args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class EiaSpec:
    reference: str
    title: str
    directorate: str
    service: str
    owner: str
    proposal: dict
    history: tuple[Step, ...]
    screening: dict = field(default_factory=dict)
    impacts: dict = field(default_factory=dict)
    intersectional: tuple[Intersectional, ...] = ()
    engagement: tuple[Engagement, ...] = ()
    actions: tuple[Action, ...] = ()
    outcome: dict = field(default_factory=dict)


class _BudgetRound:
    """Stands for the budget round being prepared when the demo is loaded."""

    def __repr__(self) -> str:
        return "BUDGET_ROUND"


BUDGET_ROUND = _BudgetRound()


def at(day: int, do: str, **args) -> Step:
    return Step(day, do, args)


JOURNEY = (
    "create",
    "proposal",
    "start_screening",
    "screening",
    "start_full_assessment",
    "evidence",
    "engagement",
    "impacts",
    "intersectional",
    "actions",
    "outcome",
    "submit_for_sign_off",
)
SCREEN_OUT = ("create", "proposal", "start_screening", "screening", "screen_out")


def journey(
    first: int,
    last: int,
    *,
    stop_after: str = "submit_for_sign_off",
    steps: tuple[str, ...] = JOURNEY,
    **tweaks,
) -> tuple[Step, ...]:
    """The usual way through, spread evenly from day ``first`` to day ``last``: describe,
    screen, assess, send for sign-off. ``stop_after`` ends it early; ``tweaks`` give a step
    its arguments, e.g. ``impacts={"only": ("age",)}``."""
    names = steps[: steps.index(stop_after) + 1]
    span = max(len(names) - 1, 1)
    return tuple(
        Step(first + round(i * (last - first) / span), name, tweaks.get(name, {}))
        for i, name in enumerate(names)
    )


def screened_out(first: int, last: int) -> tuple[Step, ...]:
    return journey(first, last, stop_after="screen_out", steps=SCREEN_OUT)


NOT_RELEVANT = {
    "age": "The proposal does not treat people differently by age, and no age group is more "
    "likely than others to be affected.",
    "disability": "No change to physical access, information formats or how disabled people "
    "use the service.",
    "gender_reassignment": "Nothing in the proposal treats trans or non-binary people "
    "differently, and we have found no evidence they would be affected "
    "differently.",
    "marriage_civil_partnership": "The proposal does not treat people differently because "
    "they are married or in a civil partnership.",
    "pregnancy_maternity": "No particular effect on pregnant women, new parents or staff on "
    "maternity leave has been identified.",
    "race": "No evidence that people of any ethnic group, nationality or language would be "
    "affected differently.",
    "religion_belief": "No effect on religious practice, holy days or faith settings has been "
    "identified.",
    "sex": "No evidence that women and men would be affected differently.",
    "sexual_orientation": "No evidence that lesbian, gay or bisexual people would be affected "
    "differently.",
    "socio_economic": "No change to costs, charges or access for residents on low incomes.",
}


def screening(
    *, relevant: dict | None = None, unknown: dict | None = None, not_relevant: dict | None = None
) -> dict[str, tuple[str, str]]:
    """Every default characteristic answered: those named with their reasons, the rest not
    relevant with a standard reason."""
    answers = {key: ("not_relevant", reason) for key, reason in NOT_RELEVANT.items()}
    for relevance, given in (
        ("not_relevant", not_relevant),
        ("relevant", relevant),
        ("unknown", unknown),
    ):
        for key, reason in (given or {}).items():
            if key not in NOT_RELEVANT:
                raise KeyError(f"no characteristic {key!r}")
            answers[key] = (relevance, reason)
    return answers


# --- the council -------------------------------------------------------------------------

ECC = "Environment and Climate Change"
HOMES = "Homes and Neighbourhoods"
ASC = "Adult Social Care"
CYP = "Children and Young People"
CWB = "Community Wealth Building"
PH = "Public Health"
RES = "Resources"

DIRECTORATES = {
    ECC: ("Traffic and Parking", "Energy Services", "Greenspace and Leisure"),
    HOMES: ("Housing Needs and Lettings", "Tenancy Management"),
    ASC: ("Strategy and Commissioning", "Day Opportunities"),
    CYP: ("Early Years", "Youth and Play", "School Improvement"),
    CWB: ("Inclusive Economy and Jobs", "Procurement"),
    PH: ("Health Improvement",),
    RES: ("Human Resources", "Policy and Equality Unit"),
}

OFFICER = "officer@demo.islington.example"
APPROVER = "approver@demo.islington.example"
EQUALITY = "equality@demo.islington.example"
ADMIN = "admin@demo.islington.example"

# The four people whose log-ins the CLI prints, one per role.
LOGINS = {"officer": OFFICER, "approver": APPROVER, "equality_officer": EQUALITY, "admin": ADMIN}

LEISURE = "daniel.mensah@demo.islington.example"
ENERGY = "fatma.yilmaz@demo.islington.example"
LETTINGS = "grace.adeyemi@demo.islington.example"
HR = "liam.brennan@demo.islington.example"
PROCUREMENT = "sinead.murphy@demo.islington.example"
JOBS = "hodan.ali@demo.islington.example"
ASC_COMMISSIONING = "joanna.nowak@demo.islington.example"
EARLY_YEARS = "rebecca.cohen@demo.islington.example"
SCHOOLS = "marcus.campbell@demo.islington.example"
HEALTH = "aisha.rahman@demo.islington.example"
HOMES_APPROVER = "olu.bakare@demo.islington.example"
ASC_APPROVER = "margaret.doyle@demo.islington.example"
CYP_APPROVER = "samuel.osei@demo.islington.example"
CWB_APPROVER = "nadia.hussain@demo.islington.example"
PH_APPROVER = "catherine.lowe@demo.islington.example"
RES_APPROVER = "andrew.fairclough@demo.islington.example"

PEOPLE = (
    Person(OFFICER, "Priya Sharma", "officer", ECC, "Traffic and Parking"),
    Person(APPROVER, "Helen Armstrong", "approver", ECC),
    Person(EQUALITY, "Amara Nwosu", "equality_officer", RES, "Policy and Equality Unit"),
    Person(ADMIN, "Mark Ellis", "admin"),
    Person(LEISURE, "Daniel Mensah", "officer", ECC, "Greenspace and Leisure"),
    Person(ENERGY, "Fatma Yilmaz", "officer", ECC, "Energy Services"),
    Person(LETTINGS, "Grace Adeyemi", "officer", HOMES, "Housing Needs and Lettings"),
    Person(HR, "Liam Brennan", "officer", RES, "Human Resources"),
    Person(PROCUREMENT, "Sinead Murphy", "officer", CWB, "Procurement"),
    Person(JOBS, "Hodan Ali", "officer", CWB, "Inclusive Economy and Jobs"),
    Person(ASC_COMMISSIONING, "Joanna Nowak", "officer", ASC, "Strategy and Commissioning"),
    Person(EARLY_YEARS, "Rebecca Cohen", "officer", CYP, "Early Years"),
    Person(SCHOOLS, "Marcus Campbell", "officer", CYP, "School Improvement"),
    Person(HEALTH, "Aisha Rahman", "officer", PH, "Health Improvement"),
    # One approver per directorate; the head of Housing Needs is a head-of-service approver.
    Person(HOMES_APPROVER, "Olu Bakare", "approver", HOMES, "Housing Needs and Lettings"),
    Person(ASC_APPROVER, "Margaret Doyle", "approver", ASC),
    Person(CYP_APPROVER, "Samuel Osei", "approver", CYP),
    Person(CWB_APPROVER, "Nadia Hussain", "approver", CWB),
    Person(PH_APPROVER, "Dr Catherine Lowe", "approver", PH),
    Person(RES_APPROVER, "Andrew Fairclough", "approver", RES),
)

# --- the EIAs ----------------------------------------------------------------------------

PFS_ST_PETERS = EiaSpec(
    reference="EIA-DEMO-001",
    title="People Friendly Streets: making the St Peter's low traffic neighbourhood permanent",
    directorate=ECC,
    service="Traffic and Parking",
    owner=OFFICER,
    proposal=dict(
        summary="The St Peter's low traffic neighbourhood has run as an 18-month trial under "
        "an experimental traffic order. Traffic filters, enforced by camera and by "
        "planters, stop through traffic on residential streets while every address "
        "stays reachable by car. We propose to make the scheme permanent with the "
        "changes asked for in the trial consultation: exemptions for Blue Badge "
        "holders living in the area, eight new dropped kerbs and a new zebra crossing "
        "on the boundary road. The scheme supports the council's commitment to net "
        "zero by 2030 and the Challenging Inequality aim that People Friendly Streets "
        "do not adversely affect disadvantaged groups.",
        proposal_type="service_change",
        affects=["residents", "partners"],
        decision_type="committee",
        decision_maker="Executive Member for Environment, Air Quality and Transport",
        decision_date=-40,
        publishable=True,
    ),
    screening=screening(
        relevant={
            "age": "Older residents rely more on door-to-door car, taxi and Dial-a-Ride "
            "journeys, which may take longer; children gain from quieter, safer "
            "streets on the way to school.",
            "disability": "Disabled residents who depend on cars, taxis or Blue Badge parking "
            "may face longer journeys; others gain from dropped kerbs and safer "
            "crossings.",
            "pregnancy_maternity": "Pregnant women and parents with buggies use footways and "
            "crossings; some rely on car or taxi trips to appointments.",
            "sex": "Women make more escort journeys with children and older relatives, and "
            "raised personal safety on quieter streets after dark.",
            "socio_economic": "Most households on the area's estates have no car and gain "
            "from cleaner air and safer streets; some low-paid workers who "
            "drive for work, such as home carers, face longer routes.",
        },
        unknown={
            "race": "Don't know yet: the trial survey heard mostly from White British "
            "residents, so we cannot tell whether impacts differ by ethnic group.",
        },
        not_relevant={
            "religion_belief": "Every address, including the area's churches and the mosque "
            "on the boundary road, stays reachable by car for drop-offs.",
        },
    ),
    impacts={
        "age": Impact(
            "negative",
            (2, 2),
            (1, 2),
            aims=("opportunity",),
            evidence="Trial survey: older respondents were the group most likely to report "
            "longer car journeys; parents reported more children walking and "
            "scooting to school. Dial-a-Ride and taxis can still reach every address.",
            mitigation="Blue Badge exemptions, a new crossing on the boundary road, and "
            "boundary-road traffic monitoring every quarter.",
        ),
        "disability": Impact(
            "negative",
            (3, 3),
            (2, 2),
            aims=("discrimination", "opportunity"),
            evidence="Trial survey and Blue Badge register: about 300 Blue Badge holders live "
            "in the area. In December 2020 only 43% of schemes across the programme "
            "delivered physical improvements such as dropped kerbs alongside the "
            "traffic filters, against a target of 80%; this scheme includes them.",
            mitigation="Camera filters exempt vehicles of Blue Badge holders living in the "
            "area and one nominated carer's vehicle each; applications by phone, on "
            "paper or online. Eight dropped kerbs with tactile paving on routes "
            "chosen with Disability Action in Islington.",
        ),
        "pregnancy_maternity": Impact(
            "positive",
            (2, 2),
            evidence="School-gate sessions and the trial survey: parents with buggies reported "
            "easier, safer walking; every address remains reachable by taxi.",
        ),
        "race": Impact(
            "unclear",
            (2, 2),
            (2, 1),
            evidence="In 2020 only 14% of People Friendly Streets schemes had a trial "
            "feedback survey; St Peter's had one from the start, but its respondents "
            "were far less diverse than the area.",
            gap="The trial survey did not ask about ethnicity in census categories and heard "
            "mostly from White British residents.",
            mitigation="Targeted engagement through community organisations on the estates, "
            "and a monitoring survey that asks ethnicity in census categories.",
        ),
        "sex": Impact(
            "negative",
            (2, 2),
            (1, 2),
            aims=("discrimination",),
            evidence="Trial survey free-text comments and the Women's Safety Audit walk: "
            "women said some filtered streets feel empty and poorly lit after dark.",
            mitigation="Street lighting survey on every filtered street, with dark spots "
            "fixed, and the boundary road crossing lit.",
        ),
        "socio_economic": Impact(
            "positive",
            (3, 2),
            evidence="Islington is the 6th most deprived borough in London and the most "
            "densely populated (16,097 people per square km). Households without a "
            "car, concentrated on the estates, gain most from cleaner air and safer "
            "streets.",
        ),
    },
    engagement=(
        Engagement(
            "Residents, businesses and visitors in and around St Peter's",
            "Trial feedback survey online and on paper, with street stalls on Essex Road",
            -300,
            "Support for quieter streets and safer walking to school; worry about longer car "
            "journeys and traffic on the boundary roads; Blue Badge holders said some trips "
            "now take much longer.",
            "We propose exemptions for Blue Badge holders living in the area and quarterly "
            "traffic counts on the boundary roads.",
        ),
        Engagement(
            "Parents and carers at two primary schools in the area",
            "School-gate sessions",
            -280,
            "More children walk and scoot to school; parents asked for a safe crossing on the "
            "boundary road.",
            "A new zebra crossing on the boundary road is part of the permanent scheme.",
        ),
        Engagement(
            "Disability Action in Islington and Blue Badge holders living in the area",
            "Focus group and one-to-one phone calls",
            -64,
            "The exemption should also cover a carer driving a Blue Badge holder, and it must "
            "be possible to apply without the internet.",
            "The exemption now covers one nominated carer's vehicle per Blue Badge holder, and "
            "applications can be made by phone, on paper or online.",
        ),
    ),
    actions=(
        Action(
            "Install eight dropped kerbs with tactile paving on the routes chosen with "
            "Disability Action in Islington",
            due=-20,
            impact="disability",
        ),
        Action(
            "Open the Blue Badge exemption permit scheme, with phone, paper and online "
            "applications",
            due=-35,
            impact="disability",
            owner=APPROVER,
        ),
        Action(
            "Quarterly traffic counts and air quality monitoring on the boundary roads, "
            "reported to the Executive Member",
            due=60,
            impact="age",
        ),
        Action(from_gap="race", due=-10),
        Action(
            "Street lighting survey on every filtered street and fix the dark spots it finds",
            due=-5,
            impact="sex",
        ),
    ),
    outcome=dict(
        outcome="2",
        outcome_reason="The proposal has been adjusted in response to the trial consultation "
        "and to engagement with disabled residents: Blue Badge and carer "
        "exemptions, dropped kerbs, a new crossing and a lighting survey. With "
        "these changes we expect the remaining adverse impacts to be low.",
        review_date=300,
    ),
    history=journey(
        -140,
        -76,
        engagement={"only": (0, 1)},
        impacts={
            "changes": {
                "disability": dict(
                    mitigation="Blue Badge holders living in the area can apply for an exemption "
                    "permit.",
                    residual_likelihood=2,
                    residual_severity=3,
                )
            }
        },
    )
    + (
        at(
            -71,
            "return",
            return_to="full_assessment",
            section="engagement",
            comment="Before I sign this off: the disability section relies on the trial survey "
            "alone and the residual score looks optimistic. Please talk to Disability "
            "Action in Islington and Blue Badge holders about the exemption, record what "
            "they said, and show how it changed the proposal.",
        ),
        at(-64, "engagement", only=(2,)),
        at(-60, "impacts", only=("disability",)),
        at(
            -58,
            "comment",
            section="engagement",
            body="Good to see the engagement with Disability Action in Islington recorded and "
            "acted on. The race evidence gap is explained and has an action: please make "
            "sure the monitoring survey asks ethnicity in census categories, not 'BAME'.",
        ),
        at(-56, "submit_for_sign_off"),
        at(
            -50,
            "approve",
            comment="Read with the engagement record. The carer exemption "
            "answers the main concern raised.",
        ),
        at(-38, "progress", n=1, status="done"),
        at(-30, "progress", n=2, status="in_progress"),
        at(-25, "progress", n=0, status="done"),
        at(-24, "progress", n=3, status="in_progress"),
    ),
)

PARKING_SYSTEM = EiaSpec(
    reference="EIA-DEMO-002",
    title="Replacement of the parking permits and penalty charge notice back-office system",
    directorate=ECC,
    service="Traffic and Parking",
    owner=OFFICER,
    proposal=dict(
        summary="The contract for the system that processes parking permits and penalty "
        "charge notices ends in March. We propose moving to a hosted system from the "
        "same national framework. How residents apply, pay and appeal does not "
        "change: the online account, the phone line and the face-to-face service at "
        "the parking shop all stay. Staff will be trained on the new system in work "
        "time.",
        proposal_type="procurement",
        affects=["staff", "partners"],
        decision_type="officer",
        decision_maker="Corporate Director, Environment and Climate Change",
        decision_date=14,
        publishable=True,
    ),
    screening=screening(
        not_relevant={
            "age": "Residents keep the same phone and face-to-face channels, so those who do not "
            "use the internet, many of them older, are not affected.",
            "disability": "No change to how residents apply or appeal. The new supplier's staff "
            "screens and letters were checked against accessibility standards in "
            "the tender; large print and easy read letters stay available.",
            "race": "Letters and the online account keep the same translation and interpreting "
            "offer.",
            "sex": "Training for the 18 back-office staff is in work time, with the same "
            "arrangements for part-time staff, most of whom are women.",
        }
    ),
    history=screened_out(-30, -26)
    + (
        at(
            -20,
            "comment",
            section="screening",
            body="Screening out looks right: the channels residents use do not change. Please "
            "confirm the new system's letters keep the 'large print on request' line.",
        ),
    ),
)

FREE_SWIMMING = EiaSpec(
    reference="EIA-DEMO-003",
    title="Free swimming: targeting the offer at residents on low incomes and groups "
    "under-represented at our leisure centres",
    directorate=ECC,
    service="Greenspace and Leisure",
    owner=LEISURE,
    proposal=dict(
        summary="Islington offers free swimming at its leisure centres to every resident "
        "under 18 and over 60. To meet the budget savings target we propose to keep "
        "free swimming for all children and young people, and for over-60s who "
        "receive Pension Credit, a council tax reduction or a disability benefit, "
        "while other over-60s pay the concessionary rate. Part of the saving funds "
        "outreach for groups under-represented at our centres, including women-only "
        "and family sessions planned with community groups such as Access 2 Sports.",
        proposal_type="budget_saving",
        affects=["residents", "service_users"],
        decision_type="committee",
        decision_maker="Executive",
        decision_date=5,
        decision_round=BUDGET_ROUND,
        publishable=True,
    ),
    screening=screening(
        relevant={
            "age": "The change affects over-60s who are not on a qualifying benefit; children "
            "and young people keep free swimming.",
            "disability": "Swimming is often advised for long-term conditions such as "
            "arthritis; disabled over-60s not on a disability benefit would pay.",
            "race": "Black, Asian and Mixed heritage residents are under-represented at our "
            "centres; the outreach is designed to change this.",
            "religion_belief": "Women-only sessions matter to many Muslim and Orthodox Jewish "
            "women; session times should avoid Friday prayers and Shabbat.",
            "sex": "Women are less likely than men to hold a leisure membership; women-only "
            "sessions are part of the outreach.",
            "socio_economic": "The proposal targets free swimming at residents on low incomes; "
            "over-60s just above benefit thresholds may find the charge hard.",
        },
    ),
    impacts={
        "age": Impact(
            "negative",
            (3, 2),
            (2, 2),
            aims=("opportunity",),
            evidence="34% of Islington's older people (60 and over) live in poverty (borough "
            "profile); those on Pension Credit or a council tax reduction keep free "
            "swimming. Leisure booking data: over-60s made about 41,000 free swims "
            "last year, and we estimate two in three would still swim free.",
            mitigation="Free swimming kept for over-60s on Pension Credit, a council tax "
            "reduction or a disability benefit; the concessionary rate stays below "
            "half the standard price; three months' notice by letter to every "
            "registered free swimmer.",
        ),
        "disability": Impact(
            "negative",
            (2, 3),
            (2, 2),
            aims=("discrimination", "opportunity"),
            gap="Disability is not recorded when residents register for free swimming, so we "
            "cannot say how many over-60 free swimmers are disabled.",
            mitigation="Residents on PIP, DLA or Attendance Allowance keep free swimming; "
            "exercise-on-referral places stay free; we will ask about disability "
            "in the notice-letter survey.",
        ),
        "race": Impact(
            "positive",
            (3, 2),
            (3, 2),
            evidence="The Leisure Contract Recovery Plan baseline (November 2019) showed "
            "usage of 10.7% Black, 8.1% Asian and 4.5% Mixed heritage residents, "
            "against a target for Black, Asian and minority ethnic usage of 25.24% "
            "overall.",
        ),
        "religion_belief": Impact(
            "positive",
            (2, 2),
            (3, 2),
            aims=("opportunity", "relations"),
            evidence="Workshops with a Somali women's group and a mosque women's committee: "
            "women-only swimming is the only swimming many members do.",
        ),
        "sex": Impact(
            "positive",
            (2, 2),
            evidence="Leisure usage split by gender (Leisure Contract Recovery Plan) shows "
            "women less likely than men to hold a membership.",
        ),
        "socio_economic": Impact(
            "positive",
            (3, 2),
            evidence="Islington is the 6th most deprived borough in London and one in three "
            "children grows up in poverty; all under-18s and low-income over-60s keep "
            "free swimming.",
            mitigation="The concessionary rate for over-60s just above the thresholds is "
            "capped, with a monthly pass.",
        ),
    },
    intersectional=(
        Intersectional(
            "Older Muslim women who swim at women-only sessions",
            ("age", "religion_belief", "sex"),
            Impact(
                "negative",
                (2, 2),
                (1, 2),
                aims=("opportunity", "relations"),
                evidence="Community group workshops: many regular women-only swimmers are "
                "over 60 and some are not on a qualifying benefit.",
                mitigation="Women-only sessions stay free for all over-60s for the first "
                "year, while usage data is gathered.",
            ),
        ),
    ),
    engagement=(
        Engagement(
            "Free swimmers at all five leisure centres",
            "Poolside survey and online questionnaire",
            -45,
            "Over-60s value free swimming for their health and for company; many said they "
            "could afford a small charge, but those on low incomes could not.",
            "Free swimming stays for over-60s on Pension Credit, a council tax reduction or a "
            "disability benefit.",
        ),
        Engagement(
            "Community groups including Access 2 Sports, a Somali women's group and a mosque "
            "women's committee",
            "Two workshops",
            -38,
            "Women-only sessions are the only swimming many members do; sessions should avoid "
            "Friday prayers and the school run.",
            "Two extra women-only sessions a week, timed with the groups and funded from the "
            "outreach budget; women-only sessions free for over-60s for a year.",
        ),
    ),
    actions=(
        Action(
            "Send a notice letter and survey to every registered over-60 free swimmer, "
            "three months before any charge starts",
            due=40,
            impact="age",
        ),
        Action(from_gap="disability", due=60, status="planned"),
        Action(
            "Run two extra women-only sessions a week at two centres with the community groups",
            due=90,
            impact="religion_belief",
        ),
        Action(
            "Report usage by age, sex, ethnicity and disability to the leisure contract "
            "board every quarter",
            due=120,
        ),
    ),
    outcome=dict(
        outcome="2",
        outcome_reason="Adjusted after engagement: free swimming kept for low-income and "
        "disabled over-60s, and women-only sessions protected for a year.",
        review_date=365,
    ),
    history=journey(-70, -8)
    + (
        at(
            -20,
            "comment",
            section="impacts",
            body="Please read this alongside the adult social care charging proposal in the "
            "same budget round: disabled over-60s could be affected by both. A sentence on "
            "cumulative impact in the outcome would help the Executive.",
        ),
    ),
)

PARKS_FOR_HEALTH = EiaSpec(
    reference="EIA-DEMO-004",
    title="Parks for Health: activity programme for communities hit hardest by COVID-19",
    directorate=ECC,
    service="Greenspace and Leisure",
    owner=LEISURE,
    proposal=dict(
        summary="A programme of free, led activities in parks (walking groups, outdoor gym "
        "sessions and food growing) aimed at residents whose health was hit hardest "
        "by COVID-19, including Black, Asian and minority ethnic residents, with a "
        "target for volunteers from those communities. Only 13% of the borough's "
        "land is green space, the second lowest of any local authority.",
        proposal_type="new_policy",
    ),
    history=journey(-9, -8, stop_after="proposal"),
)

SHINE = EiaSpec(
    reference="EIA-DEMO-005",
    title="SHINE (Seasonal Health Interventions Network): raising referrals from Black, Asian "
    "and minority ethnic households",
    directorate=ECC,
    service="Energy Services",
    owner=ENERGY,
    proposal=dict(
        summary="SHINE is Islington's single referral point for residents in or at risk of "
        "fuel poverty: one referral brings energy advice, help with bills and debt, "
        "grants for heating and insulation, and referrals to health and care "
        "services. It receives about 2,500 referrals from unique households a year. "
        "Black, Asian and minority ethnic households are under-represented among them, "
        "so we will target communications and referral partnerships at them: "
        "translated materials, community champions, and training for frontline staff "
        "in partner organisations.",
        proposal_type="service_change",
        affects=["residents", "partners"],
        decision_type="officer",
        decision_maker="Director of Climate Change and Energy",
        decision_date=-370,
        publishable=True,
    ),
    screening=screening(
        relevant={
            "age": "Older people are most at risk from cold homes; 34% of Islington's over-60s "
            "live in poverty.",
            "race": "Black, Asian and minority ethnic households are under-represented in "
            "referrals compared with their share of households in fuel poverty.",
            "pregnancy_maternity": "Cold homes are a particular risk for babies; midwives "
            "and health visitors are referral partners.",
            "socio_economic": "SHINE exists for households on low incomes.",
        },
        unknown={
            "disability": "Don't know yet: disability is not recorded consistently on "
            "referrals, though cold and damp worsen many health conditions.",
        },
    ),
    impacts={
        "age": Impact(
            "positive",
            (3, 3),
            evidence="SHINE referral data: most referrals come "
            "from households with someone over 60.",
        ),
        "race": Impact(
            "positive",
            (3, 3),
            aims=("opportunity", "relations"),
            evidence="Baseline of 2,500 unique households referred a year (Challenging "
            "Inequality outcomes framework); referrals from Black, Asian and minority "
            "ethnic households are below their share of households in fuel poverty.",
        ),
        "pregnancy_maternity": Impact(
            "positive",
            (2, 2),
            evidence="Referrals from midwives and health visitors rose after joint training.",
        ),
        "disability": Impact(
            "unclear",
            (2, 2),
            (1, 2),
            gap="Disability is recorded on fewer than half of referrals, so we cannot compare "
            "take-up with need.",
            mitigation="Add disability to the referral form and train partners to ask.",
        ),
        "socio_economic": Impact(
            "positive",
            (4, 3),
            evidence="Islington is the 6th most "
            "deprived borough in London; SHINE is targeted at households "
            "on low incomes.",
        ),
    },
    engagement=(
        Engagement(
            "Community champions and faith and cultural organisations, including Somali, "
            "Turkish and Kurdish, and Bangladeshi community centres",
            "Partner workshops",
            -420,
            "Residents distrust cold calls about energy; leaflets should come from "
            "organisations they know; materials are needed in community languages.",
            "Referrals now come through community partners trained as SHINE referrers, with "
            "materials translated into five languages.",
        ),
    ),
    actions=(
        Action(
            "Translate the SHINE leaflet and referral form into Turkish, Somali, Bengali, "
            "Arabic and Portuguese",
            due=-300,
            impact="race",
        ),
        Action(
            "Train 40 frontline staff in community organisations as SHINE referrers",
            due=-200,
            impact="race",
        ),
        Action(from_gap="disability", due=-60),
        Action("Report referrals by ethnicity every quarter against the 2021 baseline", due=-30),
    ),
    outcome=dict(
        outcome="2",
        outcome_reason="Targeted communications and referral partnerships adjust the "
        "service to reach households it was missing.",
        review_date=-12,
    ),
    history=journey(-430, -385)
    + (
        at(-378, "approve"),
        at(-305, "progress", n=0, status="done"),
        at(-190, "progress", n=1, status="done"),
        at(-100, "progress", n=2, status="in_progress"),
        at(-12, "start_review", by="scheduler"),
        at(
            -5,
            "comment",
            section="general",
            body="Review due: please bring the quarterly referral data by ethnicity to the "
            "review, and say whether the disability evidence gap has been closed.",
        ),
    ),
)

LETTINGS_POLICY = EiaSpec(
    reference="EIA-DEMO-006",
    title="Housing allocations: review of the lettings policy",
    directorate=HOMES,
    service="Housing Needs and Lettings",
    owner=LETTINGS,
    proposal=dict(
        summary="Changes to the council's lettings policy: extra priority for care leavers "
        "and for overcrowded households with children; a change to how direct offers "
        "are made to homeless households in temporary accommodation; and an annual "
        "review of lettings data by protected characteristic, matching lettings "
        "against the diversity of applicants eligible to bid, as promised in the "
        "Challenging Inequality programme.",
        proposal_type="new_policy",
        affects=["residents", "service_users"],
        decision_type="committee",
        decision_maker="Executive",
        decision_date=-350,
        publishable=True,
    ),
    screening=screening(
        relevant={
            "age": "Care leavers are young adults; older tenants who downsize have priority.",
            "disability": "Households needing adapted homes or with medical priority may be "
            "offered unsuitable homes through direct offers.",
            "pregnancy_maternity": "Overcrowding priority covers expectant mothers.",
            "race": "Black and minority ethnic households are over-represented on the housing "
            "register and in temporary accommodation.",
            "sex": "Single mothers and women escaping domestic abuse are a large share of "
            "homeless households.",
            "socio_economic": "Social housing is allocated to households in housing need, "
            "most on low incomes.",
        },
        unknown={
            "sexual_orientation": "Don't know yet: LGBTQ+ young people are at higher risk of "
            "homelessness, but the register does not record sexual "
            "orientation.",
        },
    ),
    impacts={
        "age": Impact(
            "positive",
            (3, 3),
            evidence="Care leavers on the register wait longest "
            "for a first tenancy; the new priority shortens this.",
        ),
        "disability": Impact(
            "negative",
            (2, 3),
            (1, 3),
            aims=("discrimination",),
            evidence="Complaints data: direct offers of homes unsuitable for a disabled "
            "household member were the most common reason for refusals.",
            mitigation="An occupational therapy check of every direct offer to a household "
            "with medical priority before the offer is made.",
        ),
        "pregnancy_maternity": Impact(
            "positive",
            (2, 2),
            evidence="Overcrowded households with a pregnancy are included in the new priority.",
        ),
        "race": Impact(
            "unclear",
            (2, 3),
            (2, 2),
            aims=("discrimination", "opportunity"),
            evidence="The housing register is broken down by ethnicity; Black African and "
            "Black Caribbean households are over-represented on it and in temporary "
            "accommodation.",
            gap="Lettings have never been matched against the ethnicity of applicants "
            "eligible to bid, so we cannot yet tell whether lettings reflect the register.",
            mitigation="The annual lettings review will match secure tenancies against "
            "register data, starting this year.",
        ),
        "sex": Impact(
            "positive",
            (2, 2),
            evidence="Homelessness data: most households in "
            "temporary accommodation are headed by a woman.",
        ),
        "sexual_orientation": Impact(
            "unclear",
            (2, 2),
            gap="Sexual orientation is not recorded on housing applications.",
            mitigation="Ask about sexual orientation, optionally, on new applications, and "
            "work with the LGBTQ+ youth homelessness charity on referrals.",
        ),
        "socio_economic": Impact(
            "positive",
            (3, 3),
            evidence="Islington is the 6th most "
            "deprived borough in London; allocation follows housing "
            "need.",
        ),
    },
    engagement=(
        Engagement(
            "Housing register applicants, tenants' and residents' associations and the "
            "Children in Care Council",
            "Eight-week consultation with an online survey and three drop-in sessions",
            -400,
            "Care leavers asked for priority and for support in their first tenancy; "
            "families in temporary accommodation said direct offers felt like 'take it or "
            "leave it'.",
            "Care leavers get tenancy sustainment support; direct offers come with a viewing "
            "and a named officer.",
        ),
    ),
    actions=(
        Action(from_gap="race", due=-30),
        Action(from_gap="sexual_orientation", due=-120),
        Action(
            "Occupational therapy check before every direct offer to a household with "
            "medical priority",
            due=-300,
            impact="disability",
        ),
        Action(
            "Bidding support for Black African and Black Caribbean applicants through "
            "community housing surgeries, and advice on bidding for larger homes",
            due=60,
            impact="race",
        ),
    ),
    outcome=dict(
        outcome="2",
        outcome_reason="Adjusted: OT checks on direct offers and an annual lettings review "
        "by protected characteristic.",
        review_date=-25,
    ),
    history=journey(-440, -360, actions={"only": (0, 1, 2)})
    + (
        at(-352, "approve"),
        at(-290, "progress", n=2, status="done"),
        at(-25, "start_review", by="scheduler"),
        at(-22, "progress", n=0, status="done"),
        at(
            -20,
            "revise",
            review_notes="The first annual review of lettings data shows Black African and "
            "Black Caribbean applicants receive a smaller share of lettings than "
            "their share of eligible bidders, mainly because fewer bid for the "
            "larger homes that come up. We are opening a new version to assess "
            "that finding and the changes proposed in response.",
        ),
        at(
            -15,
            "evidence",
            only=("race",),
            changes={
                "race": dict(
                    evidence="Annual lettings review: Black African and Black Caribbean applicants "
                    "are a larger share of eligible bidders than of new secure tenancies, "
                    "mostly for homes with three or more bedrooms.",
                    evidence_gap=False,
                    evidence_gap_reason="",
                )
            },
        ),
        at(-12, "actions", only=(3,)),
        at(
            -10,
            "impacts",
            only=("race",),
            changes={
                "race": dict(
                    direction="negative",
                    inherent_likelihood=3,
                    inherent_severity=3,
                    residual_likelihood=2,
                    residual_severity=3,
                    mitigation="Bidding support through community housing surgeries, and a review "
                    "of how larger homes are advertised.",
                )
            },
        ),
        at(
            -8,
            "comment",
            section="intersectional",
            body="Thank you for opening version 2 promptly. Please add an intersectional "
            "impact for Black African women heading large families in temporary "
            "accommodation, which the lettings data points to.",
        ),
    ),
)

HOMELESSNESS_SURGERIES = EiaSpec(
    reference="EIA-DEMO-007",
    title="Homelessness prevention surgeries in faith and community venues",
    directorate=HOMES,
    service="Housing Needs and Lettings",
    owner=LETTINGS,
    proposal=dict(
        summary="Restart in-person homelessness prevention surgeries, alongside the online "
        "ones, in mosques, churches and community centres chosen with the Challenging "
        "Inequality Coalition, so that Black, Asian and minority ethnic households at "
        "risk of homelessness get advice earlier. Housing Needs officers will hold "
        "monthly surgeries at eight venues.",
        proposal_type="service_change",
        affects=["residents", "partners"],
        decision_type="officer",
        decision_maker="Head of Housing Needs and Lettings",
        decision_date=90,
        publishable=True,
    ),
    screening=screening(
        relevant={
            "age": "Young people leaving home and older private renters are at particular risk.",
            "race": "Homelessness register data shows Black, Asian and minority ethnic households "
            "at higher risk; the surgeries are designed to reach them earlier.",
            "religion_belief": "Surgeries in faith venues may put off people of other faiths or "
            "none; the mix of venues needs to reflect this.",
            "socio_economic": "Households at risk of homelessness are mostly on low incomes.",
        }
    ),
    history=journey(
        -21,
        -16,
        stop_after="screening",
        screening={"only": ("age", "race", "religion_belief", "socio_economic")},
    ),
)

INTERNAL_FIRST = EiaSpec(
    reference="EIA-DEMO-008",
    title="Internal first: offering vacancies to council staff before advertising externally",
    directorate=RES,
    service="Human Resources",
    owner=HR,
    proposal=dict(
        summary="Vacancies up to senior officer grades will be advertised internally for ten "
        "working days before any external advert, to support career progression and "
        "a workforce more representative of the borough at senior levels. Recruitment "
        "panels will be diverse, the grade requirement for panel members is removed, "
        "and panel members are trained in culturally sensitive recruitment. "
        "Apprenticeships, entry-level roles and roles with hard-to-find skills can "
        "go straight to external advert.",
        proposal_type="new_policy",
        affects=["staff"],
        decision_type="officer",
        decision_maker="Corporate Management Board",
        decision_date=-380,
        publishable=True,
    ),
    screening=screening(
        relevant={
            "age": "70% of the council's workforce is aged 40 or over; internal first could "
            "slow the recruitment of younger people from outside.",
            "disability": "Disabled staff's progression and reasonable adjustments in "
            "internal recruitment.",
            "pregnancy_maternity": "Staff on maternity or adoption leave could miss internal "
            "adverts.",
            "race": "Black, Asian and minority ethnic staff are under-represented at senior "
            "grades.",
            "sex": "The Women's Forum raised progression for part-time staff, most of whom "
            "are women.",
            "socio_economic": "Internal first could delay opportunities for Islington "
            "residents outside the council, including those supported by "
            "Islington Working.",
        },
        unknown={
            "sexual_orientation": "Don't know yet: sexual orientation is not recorded for "
            "many staff.",
        },
    ),
    impacts={
        "age": Impact(
            "negative",
            (2, 2),
            (1, 2),
            evidence="Workforce profile (Challenging Inequality strategy): 70% of "
            "the council's workforce is aged 40 or over.",
            mitigation="Apprenticeships and entry-level roles are excluded, and "
            "appointments are monitored by age.",
        ),
        "disability": Impact(
            "positive",
            (3, 2),
            evidence="Disabled Staff Forum and the "
            "Disability Confident (level 2) commitment to interview disabled "
            "applicants who meet the essential criteria.",
        ),
        "pregnancy_maternity": Impact(
            "negative",
            (2, 3),
            (1, 2),
            aims=("discrimination",),
            evidence="Staff forum session: staff on leave said they hear about internal jobs "
            "only after they close.",
            mitigation="Internal adverts are emailed to staff on maternity, adoption or "
            "long-term sick leave who ask, and the ten days run from that email.",
        ),
        "race": Impact(
            "positive",
            (3, 3),
            aims=("discrimination", "opportunity"),
            evidence="Workforce data: White employees' share rises with pay band, to 74% in "
            "the Chief Officer band, while Black, Asian and minority ethnic "
            "employees' share falls, to 11% in that band.",
        ),
        "sex": Impact(
            "positive",
            (2, 2),
            evidence="Part-time staff, mostly women, can apply "
            "for internal roles on a job-share or part-time basis.",
        ),
        "sexual_orientation": Impact(
            "unclear",
            (1, 2),
            gap="Sexual orientation is not recorded for many staff, so outcomes cannot yet "
            "be monitored.",
            mitigation="An 'update your details' campaign with the LGBTQ+ Forum.",
        ),
        "socio_economic": Impact(
            "negative",
            (2, 2),
            (1, 2),
            evidence="Islington Working places local residents in entry-level council jobs.",
            mitigation="Entry-level roles and apprenticeships, the "
            "routes most used by Islington Working, are "
            "excluded from internal first.",
        ),
    },
    engagement=(
        Engagement(
            "Race Equality Network, Disabled Staff Forum, LGBTQ+ Forum, Women's Forum and "
            "Carers Forum",
            "Joint staff forum session",
            -440,
            "Internal first only helps if managers do not pre-select; staff on leave miss "
            "internal adverts; panels should not be all senior managers.",
            "Diverse panels for every recruitment; grade requirement for panel members "
            "removed; adverts emailed to staff on leave.",
        ),
        Engagement(
            "Trade unions (UNISON, GMB and Unite)",
            "Joint consultative committee",
            -435,
            "Support, with monitoring and a review after a year.",
            "Quarterly recruitment reports by ethnicity, sex, disability and age, and a "
            "review of this EIA after a year.",
        ),
    ),
    actions=(
        Action(
            "Quarterly recruitment report: applications, shortlisting and appointments by "
            "ethnicity, sex, disability and age, internal and external",
            due=-290,
            impact="race",
        ),
        Action(
            "Culturally sensitive recruitment training for all panel members",
            due=-200,
            impact="race",
        ),
        Action(from_gap="sexual_orientation", due=-100),
        Action(
            "Email internal adverts to staff on maternity, adoption or long-term sick "
            "leave who ask for them",
            due=-340,
            impact="pregnancy_maternity",
        ),
    ),
    outcome=dict(
        outcome="2",
        outcome_reason="Adjusted after the staff forums and unions: entry-level roles "
        "excluded, adverts sent to staff on leave, diverse panels.",
        review_date=0,
    ),
    history=journey(-470, -392)
    + (
        at(
            -400,
            "comment",
            section="impacts",
            body="Please set out how internal first sits with the Islington Working target "
            "for local residents: the socio-economic section should say which roles are "
            "excluded.",
        ),
        at(-385, "approve"),
        at(-345, "progress", n=3, status="done"),
        at(-295, "progress", n=0, status="done"),
        at(-180, "progress", n=1, status="done"),
        at(-140, "progress", n=2, status="in_progress"),
    ),
)

CEO_SHIFTS = EiaSpec(
    reference="EIA-DEMO-009",
    title="Parking Services: new shift patterns for civil enforcement officers",
    directorate=ECC,
    service="Traffic and Parking",
    owner=OFFICER,
    proposal=dict(
        summary="Civil enforcement officers move from three fixed shifts to a seven-day rota "
        "with later evening cover, to enforce School Streets and evening controlled "
        "parking hours. 64 posts are affected and no post is deleted. Formal "
        "consultation with staff and trade unions runs for 45 days. This assessment "
        "is confidential until consultation closes.",
        proposal_type="staffing_change",
        affects=["staff"],
        decision_type="officer",
        decision_maker="Corporate Director, Environment and Climate Change",
        decision_date=20,
        publishable=False,
        confidential=True,
        publishing_reason="Confidential until formal consultation with staff and trade "
        "unions closes. Once the decision is made, we will consider "
        "publishing a version without the details of individual posts.",
    ),
    screening=screening(
        relevant={
            "age": "Older officers raised the physical demands of longer evening patrols.",
            "disability": "Officers with reasonable adjustments to their hours need them "
            "carried into the new rota.",
            "pregnancy_maternity": "Late shifts and lone patrols raise risks for pregnant "
            "officers.",
            "race": "Most of the team are of Black African heritage, so impacts of the change "
            "fall mainly on them.",
            "religion_belief": "Weekend and evening rotas may clash with Friday prayers, "
            "Sabbath and church attendance.",
            "sex": "Officers with childcare, mostly women, and safety on late patrols.",
            "socio_economic": "Officers are on lower grades and some rely on overtime that "
            "the new rota would reduce.",
        },
    ),
    impacts={
        "age": Impact(
            "neutral",
            (1, 2),
            (1, 1),
            evidence="Occupational health: no increase in hours; patrol lengths unchanged.",
        ),
        "disability": Impact(
            "neutral",
            (1, 2),
            (1, 1),
            evidence="HR records: nine officers "
            "have adjustments to hours; all are carried into the rota.",
        ),
        "pregnancy_maternity": Impact(
            "negative",
            (2, 2),
            (1, 2),
            aims=("discrimination",),
            evidence="Health and safety risk assessment for lone evening patrols.",
            mitigation="No late shifts for pregnant officers on request, with an individual "
            "risk assessment.",
        ),
        "race": Impact(
            "negative",
            (3, 2),
            (2, 2),
            aims=("discrimination",),
            evidence="Team workforce profile: a large majority are men and most are of Black "
            "African heritage, unlike the council's workforce as a whole.",
            mitigation="Rota co-designed with officers, a preference system, and no reduction "
            "in basic pay.",
        ),
        "religion_belief": Impact(
            "negative",
            (3, 2),
            (1, 2),
            aims=("discrimination",),
            evidence="Consultation meetings: officers named Friday prayers and Sunday "
            "services as the main clashes.",
            mitigation="Rota requests for worship are honoured, swapped between officers.",
        ),
        "sex": Impact(
            "negative",
            (2, 3),
            (2, 2),
            aims=("discrimination",),
            evidence="Consultation one-to-ones: most officers with sole childcare are women.",
            mitigation="Priority in the preference system for carers; paired patrols after 8pm.",
        ),
        "socio_economic": Impact(
            "negative",
            (3, 2),
            (2, 2),
            evidence="Payroll: a third of officers earned overtime last year.",
            mitigation="An evening allowance in the new rota replaces most lost overtime.",
        ),
    },
    engagement=(
        Engagement(
            "Civil enforcement officers and their UNISON and GMB representatives",
            "Formal consultation meetings and one-to-ones",
            -30,
            "Evening shifts clash with childcare and Friday prayers; late patrols feel "
            "unsafe; worry about losing overtime pay.",
            "A rota preference system, paired patrols after 8pm, and an evening allowance.",
        ),
    ),
    actions=(
        Action(
            "Individual rota preference meeting with every officer",
            due=30,
            impact="religion_belief",
        ),
        Action(
            "Equality analysis of the final rota allocation by sex, ethnicity, religion "
            "and disability",
            due=60,
            impact="race",
        ),
    ),
    outcome=dict(
        outcome="2",
        outcome_reason="Adjusted during consultation: preference system, paired patrols and "
        "an evening allowance.",
        review_date=180,
    ),
    history=journey(-50, -5)
    + (
        at(
            -3,
            "comment",
            section="proposal",
            body="Marked confidential until consultation closes: after the decision, please "
            "reconsider whether a redacted version can be published.",
        ),
    ),
)

SOCIAL_VALUE = EiaSpec(
    reference="EIA-DEMO-010",
    title="Social value in procurement: new guidance and evaluation criteria",
    directorate=CWB,
    service="Procurement",
    owner=PROCUREMENT,
    proposal=dict(
        summary="New social value guidance for commissioners and a minimum 20% social value "
        "weighting in tender evaluations over £100,000. Bidders commit to measurable "
        "benefits for Islington residents (local jobs and apprenticeships for "
        "under-represented groups, the London Living Wage, work with schools and "
        "voluntary groups) and to equality practice in their own workforce and "
        "supply chain. Suppliers report on social value through contract management.",
        proposal_type="new_policy",
        affects=["residents", "partners"],
        decision_type="committee",
        decision_maker="Executive",
        decision_date=-30,
        publishable=True,
    ),
    screening=screening(
        relevant={
            "age": "Apprenticeship commitments favour young people; older jobseekers need "
            "routes too.",
            "disability": "Supported employment and accessible workplaces can be social "
            "value commitments.",
            "race": "Islington Working targets half of those it helps into work to be from "
            "Black, Asian and minority ethnic backgrounds.",
            "sex": "Women are under-represented in construction and facilities contracts.",
            "socio_economic": "Small local businesses, including those owned by "
            "under-represented groups, may find the requirements harder "
            "to meet than large firms.",
        },
    ),
    impacts={
        "age": Impact(
            "positive",
            (3, 2),
            evidence="Contract data: apprenticeships are the most common employment commitment.",
        ),
        "disability": Impact(
            "positive",
            (2, 2),
            evidence="The guidance lists supported "
            "employment placements as a social value measure.",
        ),
        "race": Impact(
            "positive",
            (3, 3),
            aims=("opportunity", "discrimination"),
            evidence="Islington Working aims to help 1,000 people into work, half "
            "of them from Black, Asian and minority ethnic backgrounds; "
            "supplier jobs are referred through it.",
        ),
        "sex": Impact(
            "positive",
            (2, 2),
            evidence="Construction contracts will report the sex of apprentices and new starters.",
        ),
        "socio_economic": Impact(
            "negative",
            (3, 2),
            (2, 1),
            evidence="Meet-the-buyer event and supplier survey: small firms said social value "
            "forms are written for large contractors.",
            mitigation="A short social value form for contracts under £500,000, with a menu "
            "of proportionate commitments, and supplier workshops twice a year.",
        ),
    },
    engagement=(
        Engagement(
            "Local small businesses and voluntary organisations, including minority-owned "
            "businesses from the entrepreneur network",
            "Meet-the-buyer event and supplier survey",
            -120,
            "Social value forms are written for big contractors; small firms cannot promise "
            "apprenticeships.",
            "A short form for contracts under £500,000 with a menu of proportionate commitments.",
        ),
    ),
    actions=(
        Action(
            "Social value workshops for small and minority-owned businesses, twice a year",
            due=-15,
            impact="socio_economic",
        ),
        Action(
            "Social value reporting in the contract management system, with an annual "
            "report to the Procurement Board",
            due=30,
        ),
        Action("Equality monitoring of bidders and winners of contracts over £100,000", due=-10),
    ),
    outcome=dict(
        outcome="2",
        outcome_reason="Adjusted so small and minority-owned businesses are not shut out.",
        review_date=330,
    ),
    history=journey(-150, -40)
    + (
        at(
            -25,
            "approve",
            late_reason="The Executive took the decision with the draft EIA in its papers. I "
            "was on leave when the EIA was sent for sign-off and no deputy had "
            "been named; I have now read the impacts in full and they match what "
            "the Executive saw.",
        ),
        at(
            -24,
            "comment",
            section="general",
            body="Flagged as a late sign-off. The draft was in the Executive papers, which "
            "helps, but please name a deputy approver for absences.",
        ),
        at(-20, "progress", n=1, status="in_progress"),
        at(-18, "progress", n=0, status="done"),
    ),
)

YOUTH_EMPLOYMENT = EiaSpec(
    reference="EIA-DEMO-011",
    title="Islington Working: youth employment support for 16 to 24 year olds",
    directorate=CWB,
    service="Inclusive Economy and Jobs",
    owner=JOBS,
    proposal=dict(
        summary="A youth employment offer through the Islington Working partnership: a named "
        "adviser for every young person not in education, employment or training "
        "(NEET), paid work placements with local employers and the council, and help "
        "with travel and clothing costs for interviews. It targets groups more likely "
        "to be NEET in Islington, including young Black, Asian and minority ethnic "
        "people, care leavers and young disabled people.",
        proposal_type="new_policy",
        affects=["residents", "service_users", "partners"],
        decision_type="committee",
        decision_maker="Executive Member for Inclusive Economy and Jobs",
        decision_date=-185,
        publishable=True,
    ),
    screening=screening(
        relevant={
            "age": "The offer is for 16 to 24 year olds.",
            "disability": "Young disabled people are more likely to be NEET.",
            "pregnancy_maternity": "Young parents need placements that fit childcare.",
            "race": "Black, Asian and minority ethnic young people are more likely to be NEET in "
            "Islington.",
            "sex": "Young women with caring roles and young men leaving school early need "
            "different support.",
            "socio_economic": "Care leavers and young people from low-income households are the "
            "main target group.",
        }
    ),
    impacts={
        "age": Impact("positive", (4, 3), evidence="The offer is for 16 to 24 year olds."),
        "disability": Impact(
            "positive",
            (3, 2),
            evidence="SEND team data on young people "
            "with education, health and care plans leaving education.",
        ),
        "pregnancy_maternity": Impact(
            "positive", (2, 2), evidence="Placements can be part time, with childcare costs met."
        ),
        "race": Impact(
            "positive",
            (3, 3),
            aims=("opportunity", "discrimination"),
            evidence="The Challenging Inequality strategy reports Black, Asian and "
            "minority ethnic young people and adults more likely to be "
            "NEET in Islington.",
        ),
        "sex": Impact("positive", (2, 2), evidence="Adviser caseload data by sex."),
        "socio_economic": Impact(
            "positive",
            (4, 3),
            evidence="One in three Islington "
            "children grows up in poverty; care leavers are a priority "
            "group.",
        ),
    },
    engagement=(
        Engagement(
            "Young people at two youth hubs, and care leavers through the Children in Care Council",
            "Workshops run by peer mentors",
            -240,
            "Placements must be paid; travel costs stop people going to interviews; "
            "advisers should be people who understand their lives.",
            "All placements paid at the London Living Wage; a travel and interview clothing "
            "fund; two advisers recruited from the peer mentor programme.",
        ),
    ),
    actions=(
        Action(
            "Monitor starts and job outcomes by ethnicity, sex, disability and care "
            "experience every quarter",
            due=-100,
            impact="race",
        ),
        Action(
            "Review take-up by young disabled people with the SEND team",
            due=40,
            impact="disability",
        ),
    ),
    outcome=dict(
        outcome="1",
        outcome_reason="No major change needed: the programme advances equality of "
        "opportunity for the groups most likely to be NEET, and young people "
        "have already shaped it.",
        review_date=165,
    ),
    history=journey(-260, -198)
    + (
        at(-192, "approve"),
        at(-95, "progress", n=0, status="done"),
    ),
)

CARE_CHARGING = EiaSpec(
    reference="EIA-DEMO-012",
    title="Adult social care: changes to the charging policy for care and support at home",
    directorate=ASC,
    service="Strategy and Commissioning",
    owner=ASC_COMMISSIONING,
    proposal=dict(
        summary="To help close the budget gap, we propose to bring the charging policy for "
        "care at home into line with the Care Act 2014 statutory guidance as applied "
        "by most London boroughs: the standard disability-related expenditure "
        "allowance falls from £40 to £25 a week, with an individual assessment for "
        "anyone whose costs are higher, and the maximum weekly charge rises. Charges "
        "remain means-tested and nobody is left with less than the Minimum Income "
        "Guarantee. Of about 1,100 people who pay towards care at home, we estimate "
        "about 400 will pay more, by £9 a week on average.",
        proposal_type="budget_saving",
        affects=["residents", "service_users"],
        decision_type="committee",
        decision_maker="Executive",
        decision_date=30,
        decision_round=BUDGET_ROUND,
        publishable=True,
    ),
    screening=screening(
        relevant={
            "age": "Most people who pay towards care at home are over 65.",
            "disability": "Everyone affected has eligible care needs; most are disabled.",
            "sex": "More women than men receive care at home, and most unpaid carers are women.",
            "socio_economic": "Charges are means-tested but fall on people with modest "
            "incomes just above the thresholds.",
        },
        unknown={
            "race": "Don't know yet: ethnicity is missing from some financial assessment records.",
        },
    ),
    impacts={
        "age": Impact(
            "negative",
            (4, 2),
            (3, 2),
            aims=("opportunity",),
            evidence="Financial assessment data: most people who will pay more are "
            "over 65; 34% of the borough's over-60s live in poverty.",
            mitigation="Benefits checks for everyone affected, and phasing over two years.",
        ),
        "disability": Impact(
            "negative",
            (4, 3),
            (3, 2),
            aims=("discrimination", "opportunity"),
            evidence="Everyone affected has eligible care needs. Consultation responses said "
            "many did not know they could claim higher disability-related expenses.",
            mitigation="Individual assessment of disability-related expenditure for anyone "
            "whose costs exceed £25 a week; benefits checks; phasing over two "
            "years; a hardship fund; nobody below the Minimum Income Guarantee.",
        ),
        "race": Impact(
            "unclear",
            (2, 2),
            evidence="Where ethnicity is recorded, those who will pay more broadly match "
            "people receiving care at home.",
            gap="Ethnicity is missing from some financial assessment records, so we cannot be "
            "sure those paying more match people receiving care.",
            mitigation="Record ethnicity at every financial reassessment.",
        ),
        "sex": Impact(
            "negative",
            (3, 2),
            (2, 2),
            evidence="Care records: about three in five people receiving care at home are women.",
            mitigation="The same mitigations as for age and disability; carers' "
            "assessments offered to carers of people affected.",
        ),
        "socio_economic": Impact(
            "negative",
            (3, 3),
            (2, 2),
            evidence="The increase falls on people with modest incomes just above the "
            "means-test thresholds.",
            mitigation="Means-testing, the Minimum Income Guarantee, benefits checks and the "
            "hardship fund.",
        ),
    },
    engagement=(
        Engagement(
            "People who receive care at home, carers, Islington Carers Hub, Age UK Islington "
            "and Disability Action in Islington",
            "Eight-week consultation: survey, easy read "
            "version, drop-in sessions and calls to everyone affected",
            -75,
            "People feared they could not afford care and would cancel it; many did not know "
            "they could claim higher disability-related expenses; the easy read version "
            "helped.",
            "Phasing over two years, automatic benefits checks, and clearer letters, with an "
            "easy read version, explaining how to claim higher expenses.",
        ),
    ),
    actions=(
        Action(
            "Offer a welfare benefits check to everyone whose charge will rise, before the "
            "change takes effect",
            due=40,
            impact="disability",
        ),
        Action(
            "Write to every person affected, with easy read and translated versions, three "
            "months before any increase",
            due=20,
            impact="disability",
        ),
        Action(
            "Monitor cancellations of care after the change by age, disability, sex and "
            "ethnicity, and report to the Adult Social Care Board",
            due=150,
        ),
        Action(from_gap="race", due=60),
    ),
    outcome=dict(
        outcome="3",
        outcome_reason="Continue with mitigation despite a residual medium adverse impact on "
        "disabled and older people who pay towards care at home. This is one "
        "of several budget proposals affecting disabled residents; their "
        "cumulative impact is set out for the Executive.",
        justification_legitimate_aim=(
            "The council must set a balanced budget and keep adult social care sustainable. "
            "The Care Act 2014 allows councils to charge for care at home, and the change "
            "brings Islington's allowance into line with other London boroughs."
        ),
        justification_less_harmful=(
            "The alternatives considered (fewer hours of care, tighter eligibility or closing "
            "services) would harm the same residents more. Anyone whose disability-related "
            "costs exceed the standard allowance keeps an individual assessment."
        ),
        justification_proportionate=(
            "Charges remain means-tested and nobody is left with less than the Minimum Income "
            "Guarantee. The change is phased over two years, everyone affected is offered a "
            "benefits check and a hardship fund covers exceptional cases. The average "
            "increase is modest against the saving needed to protect front-line care."
        ),
        review_date=365,
    ),
    history=journey(-120, -30)
    + (
        at(
            -40,
            "comment",
            section="outcome",
            body="This is one of several budget proposals affecting disabled residents (see "
            "also free swimming and day opportunities). Please reference the cumulative "
            "impact in the outcome, so the Executive sees it.",
        ),
        at(
            -20,
            "approve",
            comment="I have read the impacts and the outcome 3 justification. "
            "The phasing and benefits checks must be in place first.",
        ),
        at(-10, "progress", n=1, status="in_progress"),
    ),
)

DAY_CENTRES = EiaSpec(
    reference="EIA-DEMO-013",
    title="Day opportunities: merging two day centres for adults with learning disabilities",
    directorate=ASC,
    service="Day Opportunities",
    owner=ASC_COMMISSIONING,
    proposal=dict(
        summary="To save running costs, we proposed closing one of the council's two day "
        "centres for adults with learning disabilities and moving its 45 users to the "
        "other centre, with more activities in the community.",
        proposal_type="budget_saving",
        affects=["service_users", "residents", "staff"],
        decision_type="committee",
        decision_maker="Executive",
        decision_date=30,
        decision_round=BUDGET_ROUND,
        publishable=True,
    ),
    screening=screening(
        relevant={
            "age": "Several users are over 60 and many family carers are over 70.",
            "disability": "Every user has a learning disability; many have autism or complex "
            "health needs.",
            "race": "The centre serves a large Bangladeshi and Turkish community, with "
            "culturally appropriate food and staff who speak community languages.",
            "religion_belief": "The centre has a prayer room and serves halal food.",
            "sex": "Most family carers are mothers.",
            "socio_economic": "Carers' ability to work depends on the centre's hours and "
            "journey times.",
        }
    ),
    impacts={
        "age": Impact(
            "negative",
            (3, 3),
            (3, 3),
            evidence="Carer survey: many carers are over 70.",
            mitigation="Transport with travel-trained escorts.",
        ),
        "disability": Impact(
            "negative",
            (4, 4),
            (3, 4),
            aims=("discrimination", "opportunity"),
            evidence="Care plans: longer journeys of up to an hour, and loss of familiar "
            "staff and routines, which many users find distressing.",
            mitigation="Phased transition with familiar staff moving with users; individual "
            "transition plans.",
        ),
        "race": Impact(
            "negative",
            (3, 3),
            (2, 3),
            evidence="Centre records: about half of users are of Bangladeshi or Turkish heritage.",
            mitigation="Keep community-language staff and food at the other centre.",
        ),
        "religion_belief": Impact(
            "negative",
            (2, 2),
            evidence="Users' families on prayer and food.",
            mitigation="Prayer room and halal food at the other centre.",
        ),
        "sex": Impact(
            "negative",
            (3, 3),
            (3, 2),
            evidence="Carer survey: most carers are mothers; a third work part time.",
            mitigation="Longer opening hours at the other centre.",
        ),
        "socio_economic": Impact(
            "negative",
            (3, 3),
            evidence="Carer survey: carers said longer journeys would force them to give up work.",
            mitigation="Longer opening hours; carers' assessments.",
        ),
    },
    engagement=(
        Engagement(
            "Day centre users, families and carers, and the Learning Disability Partnership Board",
            "Meetings at both centres with easy read materials and Makaton",
            -50,
            "Users were distressed at losing friends and staff; carers said longer journeys "
            "would mean giving up work.",
            "Officers recommended stopping the proposal (outcome 4).",
        ),
    ),
    outcome=dict(
        outcome="4",
        outcome_reason="Stop and remove the proposal: the full assessment found severe "
        "residual impacts on adults with learning disabilities and their "
        "carers that mitigation could not reduce — journeys of up to an hour, "
        "loss of familiar staff and routines, and carers, mostly older women, "
        "less able to work. The saving does not justify these impacts.",
    ),
    history=journey(-90, -14, stop_after="outcome")
    + (
        at(
            -10,
            "withdraw",
            by="approver",
            reason="Following the full assessment (outcome 4: stop) and the consultation, the "
            "Executive Member agreed to remove the proposal from the budget savings; "
            "both day centres stay open.",
        ),
    ),
)

FAMILY_HUBS = EiaSpec(
    reference="EIA-DEMO-014",
    title="Early Years: bringing children's centres together into family hubs",
    directorate=CYP,
    service="Early Years",
    owner=EARLY_YEARS,
    proposal=dict(
        summary="We propose to reorganise the borough's children's centres into four family "
        "hubs, each with satellite sessions in libraries, community centres and "
        "health venues. Hubs bring together Early Years, health visiting, parenting "
        "support and early help, with longer opening hours. Two buildings would no "
        "longer be used as children's centres. The change contributes to the budget "
        "savings while aiming to reach more families, particularly minority ethnic "
        "and disadvantaged families who do not use Early Years services now.",
        proposal_type="budget_saving",
        affects=["residents", "service_users", "staff"],
        decision_type="committee",
        decision_maker="Executive",
        decision_date=60,
        decision_round=BUDGET_ROUND,
    ),
    screening=screening(
        relevant={
            "age": "Services are for children under five and their parents.",
            "disability": "Families with a disabled child or parent may find a longer journey "
            "harder.",
            "pregnancy_maternity": "Antenatal and new-parent groups run from children's centres.",
            "race": "Some minority ethnic families, including Somali and Turkish families, use "
            "Early Years services less than others.",
            "sex": "Mothers are most users; fathers are under-served.",
            "socio_economic": "One in three Islington children grows up in poverty; children's "
            "centres are sited in the most deprived areas.",
        }
    ),
    impacts={
        "age": Impact(
            "negative",
            (2, 2),
            (1, 2),
            evidence="Registration data: under-fives registered at the two affected buildings.",
            mitigation="Satellite sessions near both buildings.",
        ),
        "disability": Impact(
            "unclear",
            (2, 3),
            gap="We do not yet know how many families using the two buildings have a disabled "
            "child or parent; registration data is being analysed.",
        ),
        "pregnancy_maternity": Impact(
            "positive", (2, 2), evidence="Hubs add antenatal sessions with midwives."
        ),
        "race": Impact(
            "positive",
            (3, 2),
            evidence="Registration data: Somali and Turkish "
            "families register at lower rates; hubs add outreach workers from "
            "those communities.",
        ),
        "sex": Impact("neutral", (1, 1), evidence="Registration data by sex of parent."),
        "socio_economic": Impact(
            "negative",
            (3, 3),
            evidence="Index of deprivation: one of "
            "the two buildings sits in one of the borough's most "
            "deprived areas.",
        ),
    },
    engagement=(
        Engagement(
            "Parents at all children's centres, and health visitors",
            "Survey and stay-and-play conversations",
            -22,
            "Parents want sessions within walking distance and at weekends; fathers said "
            "sessions feel aimed at mothers.",
            "Weekend satellite sessions and a dads' group are being planned.",
        ),
    ),
    history=journey(
        -45, -12, stop_after="impacts", impacts={"only": ("age", "pregnancy_maternity", "race")}
    )
    + (
        at(
            -6,
            "comment",
            section="evidence",
            body="Good start. Please break the registration data down for every ethnic "
            "group, not only Somali and Turkish families, and check travel distances for "
            "families near the two buildings that would close.",
        ),
    ),
)

SCHOOL_EXCLUSIONS = EiaSpec(
    reference="EIA-DEMO-015",
    title="Reducing school exclusions: the Islington inclusion charter",
    directorate=CYP,
    service="School Improvement",
    owner=SCHOOLS,
    proposal=dict(
        summary="A borough-wide inclusion charter agreed with headteachers, under which "
        "schools commit to alternatives to exclusion: a managed-move protocol, "
        "in-school inclusion units, early help and mental health support, and a "
        "review by the School Improvement service before any permanent exclusion. It "
        "responds to the over-representation of Black Caribbean and White British "
        "boys, children with special educational needs and disadvantaged children in "
        "suspensions and permanent exclusions.",
        proposal_type="strategy",
        affects=["service_users", "partners", "residents"],
        decision_type="committee",
        decision_maker="Executive Member for Children, Young People and Families",
        decision_date=-150,
        publishable=True,
    ),
    screening=screening(
        relevant={
            "age": "The charter covers pupils of school age.",
            "disability": "Children with special educational needs are over-represented in "
            "exclusions.",
            "race": "Black Caribbean pupils are over-represented in exclusions.",
            "sex": "Boys are excluded far more often than girls.",
            "socio_economic": "Pupils eligible for free school meals are over-represented in "
            "exclusions.",
        },
        unknown={
            "sexual_orientation": "Don't know yet: bullying of LGBTQ+ pupils can lead to "
            "behaviour that ends in exclusion, but schools do not "
            "record it.",
        },
    ),
    impacts={
        "age": Impact(
            "positive",
            (2, 2),
            evidence="Exclusions rise sharply in the first years of secondary school.",
        ),
        "disability": Impact(
            "positive",
            (3, 3),
            aims=("discrimination", "opportunity"),
            evidence="School census: pupils with SEN support or an "
            "education, health and care plan are over-represented "
            "in suspensions.",
        ),
        "race": Impact(
            "positive",
            (3, 3),
            aims=("discrimination", "opportunity"),
            evidence="Exclusions data and the Challenging Inequality outcomes "
            "framework identify Black Caribbean pupils as "
            "over-represented.",
        ),
        "sex": Impact(
            "positive",
            (3, 2),
            evidence="Boys account for most suspensions and permanent exclusions.",
        ),
        "socio_economic": Impact(
            "positive",
            (3, 3),
            evidence="Pupils eligible for free "
            "school meals are over-represented; one in three Islington "
            "children grows up in poverty.",
        ),
        "sexual_orientation": Impact(
            "unclear",
            (2, 2),
            (1, 2),
            gap="Schools do not record pupils' sexual orientation.",
            mitigation="Ask the LGBTQ+ youth group and school anti-bullying leads how "
            "exclusions affect LGBTQ+ pupils.",
        ),
    },
    intersectional=(
        Intersectional(
            "Black Caribbean boys and school exclusions",
            ("race", "sex"),
            Impact(
                "negative",
                (3, 4),
                (2, 3),
                aims=("discrimination", "opportunity"),
                evidence="Exclusions data: Black Caribbean boys are the most over-represented "
                "group in suspensions and permanent exclusions. The Lammy Review and "
                "our research with City University link exclusion to entry into "
                "the youth justice system. The risk is that exclusions move into "
                "internal isolation and managed moves that still fall on them.",
                mitigation="Termly data on exclusions, managed moves and internal isolation "
                "by ethnicity and sex; bias training for all charter schools; "
                "mentoring with Black professionals; parents contacted at the "
                "first suspension.",
            ),
        ),
        Intersectional(
            "White British boys eligible for free school meals",
            ("race", "sex", "socio_economic"),
            Impact(
                "negative",
                (3, 3),
                (2, 2),
                aims=("opportunity",),
                evidence="Exclusions data: White British boys eligible for free school meals "
                "are also over-represented, and the attainment gap for "
                "disadvantaged White British pupils persists.",
                mitigation="Early help referral before any suspension of a pupil eligible for "
                "free school meals; the same termly monitoring.",
            ),
        ),
    ),
    engagement=(
        Engagement(
            "Headteachers and governors, primary and secondary",
            "Heads' forum and two workshops",
            -210,
            "Schools need quicker access to mental health support and alternative provision; "
            "some worried the review step would delay decisions.",
            "The School Improvement review happens within five school days; CAMHS link "
            "workers for every secondary school.",
        ),
        Engagement(
            "Black Caribbean parents and young people, with community organisations and the "
            "Black Leaders Alliance",
            "Community listening events at two youth hubs",
            -200,
            "Boys are seen as older and more threatening than they are; parents are told too "
            "late; schools need Black staff and mentors.",
            "Parents contacted at the first suspension; a mentoring programme with Black "
            "professionals; bias training for all staff in charter schools.",
        ),
    ),
    actions=(
        Action(
            "Termly report on exclusions, managed moves and internal isolation by "
            "ethnicity, sex, SEN and free school meals, to the Schools Forum",
            due=-60,
            intersectional=0,
        ),
        Action(
            "Unconscious bias and anti-racist practice training for staff in all charter schools",
            due=90,
            intersectional=0,
        ),
        Action(
            "Mentoring programme pairing Black Caribbean boys at risk of exclusion with "
            "Black professionals",
            due=-20,
            intersectional=0,
        ),
        Action(from_gap="sexual_orientation", due=30),
    ),
    outcome=dict(
        outcome="2",
        outcome_reason="Adjusted after listening to Black Caribbean families and headteachers; "
        "monitoring of internal isolation and managed moves added so "
        "exclusions are not simply moved elsewhere.",
        review_date=200,
    ),
    history=journey(-240, -165, intersectional={"only": (0,)})
    + (
        at(
            -172,
            "comment",
            section="intersectional",
            body="Excellent intersectional analysis. Please also score White British boys "
            "eligible for free school meals, whom the data shows are over-represented "
            "too.",
        ),
        at(-168, "intersectional", only=(1,)),
        at(-158, "approve"),
        at(-62, "progress", n=0, status="done"),
        at(-50, "progress", n=1, status="in_progress"),
        at(-45, "progress", n=2, status="in_progress"),
    ),
)

HEALTH_CHECKS = EiaSpec(
    reference="EIA-DEMO-016",
    title="NHS Health Checks: targeted invitations for residents at highest risk of heart "
    "disease and diabetes",
    directorate=PH,
    service="Health Improvement",
    owner=HEALTH,
    proposal=dict(
        summary="Change how GP practices and the outreach provider invite residents aged 40 "
        "to 74 for an NHS Health Check: invitations go first to people at higher "
        "risk, including South Asian, Black African and Black Caribbean residents, "
        "who face a higher risk of type 2 diabetes and heart disease, and residents "
        "of the most deprived areas. Checks are also offered in community venues and "
        "faith settings, with referral to the Diabetes Prevention Programme.",
        proposal_type="service_change",
        affects=["residents", "partners"],
        decision_type="officer",
        decision_maker="Director of Public Health",
        decision_date=-420,
        publishable=True,
    ),
    screening=screening(
        relevant={
            "age": "Checks are for residents aged 40 to 74; people at lower risk will wait "
            "longer for an invitation.",
            "race": "South Asian, Black African and Black Caribbean residents are at higher "
            "risk of type 2 diabetes and heart disease.",
            "religion_belief": "Checks in mosques and churches; timing around Ramadan.",
            "sex": "Men are less likely to take up a check.",
            "socio_economic": "Life expectancy is lower for residents of deprived areas.",
        },
        unknown={
            "disability": "Don't know yet: the provider does not record disability.",
        },
    ),
    impacts={
        "age": Impact(
            "negative",
            (2, 1),
            evidence="Invitation data: lower-risk residents "
            "will be invited later in the five-year cycle.",
            mitigation="Everyone eligible is still invited within five years and "
            "can ask for a check at any time.",
        ),
        "race": Impact(
            "positive",
            (3, 3),
            aims=("opportunity",),
            evidence="Diabetes Prevention Programme data by ethnicity, set as a "
            "baseline over the previous 24 months.",
        ),
        "religion_belief": Impact(
            "positive",
            (2, 1),
            aims=("opportunity", "relations"),
            evidence="Faith leaders offered venues and timing.",
        ),
        "sex": Impact("positive", (2, 2), evidence="Uptake data: men attend less than women."),
        "socio_economic": Impact(
            "positive",
            (3, 3),
            evidence="The borough profile records "
            "lower life expectancy for residents living in deprived "
            "areas.",
        ),
        "disability": Impact(
            "unclear",
            (2, 2),
            (1, 2),
            gap="The outreach provider does not record disability.",
            mitigation="Easy read invitations; accessible venues only.",
        ),
    },
    engagement=(
        Engagement(
            "Faith and community organisations, including two mosques, a Black majority "
            "church and Turkish community centres",
            "Community health conversations",
            -460,
            "Checks after Friday prayers and in community centres would reach men who do not "
            "go to their GP.",
            "Outreach sessions at six faith and community venues, with male health advisers.",
        ),
    ),
    actions=(
        Action(from_gap="disability", due=-300),
        Action(
            "Quarterly dashboard of checks and Diabetes Prevention Programme referrals by "
            "ethnicity, sex and deprivation",
            due=-330,
            impact="race",
        ),
        Action(
            "Outreach sessions during Ramadan, timed after iftar", due=-40, impact="religion_belief"
        ),
        Action("Easy read invitation letter", due=-10, impact="disability"),
    ),
    outcome=dict(
        outcome="1",
        outcome_reason="No major change needed: targeting advances equality of opportunity "
        "in health; everyone eligible is still invited.",
        review_date=-60,
    ),
    history=journey(-480, -435)
    + (
        at(-428, "approve"),
        at(-320, "progress", n=1, status="done"),
        at(-280, "progress", n=0, status="done"),
        at(-60, "start_review", by="scheduler"),
        at(
            -50,
            "confirm_review",
            next_review_date=315,
            review_notes="Reviewed with the quarterly dashboard: uptake among South Asian and "
            "Black African residents is up and the disability data gap is "
            "closed. The EIA still stands; the Ramadan sessions and easy read "
            "letter continue.",
        ),
        at(-30, "progress", n=3, status="in_progress"),
    ),
)

VACCINE_OUTREACH = EiaSpec(
    reference="EIA-DEMO-017",
    title="COVID-19 vaccine outreach: community champions and pop-up clinics",
    directorate=PH,
    service="Health Improvement",
    owner=HEALTH,
    proposal=dict(
        summary="Funding for community champions and pop-up vaccination clinics in places of "
        "worship, community centres and on estates, with culturally competent "
        "information in community languages, to close gaps in vaccine uptake between "
        "communities most affected by COVID-19.",
        proposal_type="strategy",
        affects=["residents", "partners"],
        decision_type="officer",
        decision_maker="Director of Public Health",
        decision_date=-900,
        publishable=True,
    ),
    screening=screening(
        relevant={
            "age": "Older residents were at highest risk; younger adults had lower uptake.",
            "disability": "Housebound and disabled residents needed home visits and accessible "
            "clinics.",
            "pregnancy_maternity": "Uptake was low among pregnant women.",
            "race": "Uptake was lowest among some Black African and Black Caribbean communities.",
            "religion_belief": "Places of worship were trusted venues.",
            "socio_economic": "Residents in deprived areas had lower uptake.",
        }
    ),
    impacts={
        "age": Impact("positive", (3, 3), evidence="NHS uptake data by age."),
        "disability": Impact("positive", (3, 3), evidence="GP registers of housebound patients."),
        "pregnancy_maternity": Impact(
            "positive", (2, 3), evidence="Maternity services data on uptake in pregnancy."
        ),
        "race": Impact(
            "positive",
            (3, 3),
            aims=("opportunity", "relations"),
            evidence="NHS uptake data by ethnicity showed the largest gaps for "
            "some Black communities.",
        ),
        "religion_belief": Impact(
            "positive", (2, 2), aims=("relations",), evidence="Faith leaders hosted clinics."
        ),
        "socio_economic": Impact("positive", (3, 3), evidence="Uptake by deprivation decile."),
    },
    engagement=(
        Engagement(
            "Community champions, faith leaders and residents' associations",
            "Weekly champions' calls",
            -950,
            "People trust information from people they know, in their own language.",
            "Champions trained to answer questions; clinics held where champions asked.",
        ),
    ),
    actions=(
        Action("Home visits for housebound residents", due=-850, impact="disability"),
        Action("Pop-up clinics at places of worship and on estates", due=-800, impact="race"),
    ),
    outcome=dict(
        outcome="1",
        outcome_reason="No major change needed: the programme is designed to advance "
        "equality of opportunity in vaccine uptake.",
        review_date=-140,
    ),
    history=journey(-980, -915)
    + (
        at(-910, "approve"),
        at(-860, "progress", n=0, status="done"),
        at(-790, "progress", n=1, status="done"),
        at(
            -150,
            "archive",
            reason="The programme ended when national funding stopped. Community outreach "
            "continues through the health inequalities programme, which has its own "
            "EIA.",
        ),
    ),
)

INSURANCE_BROKER = EiaSpec(
    reference="EIA-DEMO-018",
    title="Re-procurement of the council's insurance broker contract",
    directorate=CWB,
    service="Procurement",
    owner=PROCUREMENT,
    proposal=dict(
        summary="The council buys its insurance through a broker appointed under a national "
        "framework. The current contract ends in June; we propose a further call-off "
        "from the same framework for four years. The service is internal: no service "
        "residents receive changes, and claims against the council are handled as "
        "now.",
        proposal_type="procurement",
        affects=["partners"],
        decision_type="officer",
        decision_maker="Procurement Board",
        decision_date=-190,
        publishable=True,
    ),
    screening=screening(
        not_relevant={
            "disability": "No change to how residents make claims; the claims line and "
            "accessible formats are provided by the council, not the broker.",
            "socio_economic": "No cost or charge to residents; the framework requires the London "
            "Living Wage for the broker's staff working on the contract.",
        }
    ),
    history=screened_out(-210, -206)
    + (at(-200, "approve", comment="Agree that no full assessment is needed."),),
)

# The Policy and Equality Unit's dashboard: a second signed-off budget saving in the same
# round falling on disabled residents (with care charging), so the cumulative impact page
# has a warning to give.
WELLBEING_GRANTS = EiaSpec(
    reference="EIA-DEMO-019",
    title="Public Health: reducing the wellbeing grants to disability and carers' groups",
    directorate=PH,
    service="Health Improvement",
    owner=HEALTH,
    proposal=dict(
        summary="To meet the budget savings target, we propose to reduce the community "
        "wellbeing grants by a fifth from April. Six disability-led and carers' groups "
        "hold most of these grants and run peer support, exercise and befriending "
        "sessions. Groups keep a three-year grant, and a small fund helps them bid for "
        "other funding.",
        proposal_type="budget_saving",
        affects=["residents", "service_users", "partners"],
        decision_type="committee",
        decision_maker="Executive",
        decision_date=30,
        decision_round=BUDGET_ROUND,
        publishable=True,
    ),
    screening=screening(
        relevant={
            "disability": "Most people using the groups' sessions are disabled or have a long-term "
            "condition.",
            "age": "Befriending sessions are used mostly by residents over 65.",
            "socio_economic": "Sessions are free; many who come could not pay for alternatives.",
        }
    ),
    impacts={
        "disability": Impact(
            "negative",
            (3, 3),
            (2, 3),
            aims=("opportunity", "relations"),
            evidence="Grant monitoring returns: about 1,900 disabled residents used the "
            "groups' sessions last year; two groups said they would cut sessions.",
            mitigation="Cut spread over two years; a fund to help groups win other funding; "
            "the council's venues free of charge for the groups' sessions.",
        ),
        "age": Impact(
            "negative",
            (2, 2),
            (2, 1),
            evidence="Monitoring returns: two in three befriending users are over 65.",
            mitigation="Befriending kept whole in the first year.",
        ),
        "socio_economic": Impact(
            "negative",
            (3, 2),
            (2, 2),
            evidence="Monitoring returns: most users receive a benefit.",
            mitigation="Sessions stay free to users.",
        ),
    },
    engagement=(
        Engagement(
            "The six grant-funded groups and their members",
            "Two meetings and a survey of members",
            -50,
            "Groups feared closing sessions; members valued the company most.",
            "The cut is spread over two years and council venues are offered free.",
        ),
    ),
    actions=(
        Action(
            "Offer council venues free of charge to the six groups", due=60, impact="disability"
        ),
    ),
    outcome=dict(
        outcome="2",
        outcome_reason="Adjusted after engagement: the cut is phased and venues are free. "
        "Read with adult social care charging in the same budget round.",
        review_date=365,
    ),
    history=journey(-75, -20) + (at(-12, "approve"),),
)

EIAS = (
    PFS_ST_PETERS,
    PARKING_SYSTEM,
    FREE_SWIMMING,
    PARKS_FOR_HEALTH,
    SHINE,
    LETTINGS_POLICY,
    HOMELESSNESS_SURGERIES,
    INTERNAL_FIRST,
    CEO_SHIFTS,
    SOCIAL_VALUE,
    YOUTH_EMPLOYMENT,
    CARE_CHARGING,
    DAY_CENTRES,
    FAMILY_HUBS,
    SCHOOL_EXCLUSIONS,
    HEALTH_CHECKS,
    VACCINE_OUTREACH,
    INSURANCE_BROKER,
    WELLBEING_GRANTS,  # the Policy and Equality Unit's dashboard
)
