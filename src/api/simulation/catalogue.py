"""What residents report and what staff write: the texts the simulation draws from.

Each entry is (category, where, description). `where` is "home" for a household
unit or "common" for a common area; "lift" is a common area that is an elevator.
"""

from __future__ import annotations

Entry = tuple[str, str, str]

EMERGENCY_REPAIRS: tuple[Entry, ...] = (
    ("gas", "home", "strong smell of gas in the kitchen"),
    ("elevator", "lift", "resident trapped in the elevator between floors"),
    ("plumbing", "home", "burst pipe under the kitchen sink, water spreading to the hall"),
    ("plumbing", "home", "no water in the whole unit"),
    ("electrical", "home", "whole unit lost power, breaker will not reset"),
    ("electrical", "common", "sparks from the corridor distribution box"),
    ("drainage", "home", "floor drain overflowing in the bathroom"),
    ("drainage", "common", "sewage overflowing from the manhole"),
    ("doors_windows", "home", "front door lock jammed, cannot get out"),
)

NORMAL_REPAIRS: tuple[Entry, ...] = (
    ("plumbing", "home", "kitchen tap dripping"),
    ("plumbing", "home", "toilet cistern keeps running"),
    ("plumbing", "home", "water stain on the ceiling from the flat above"),
    ("electrical", "home", "bathroom socket not working"),
    ("electrical", "home", "light switch in the bedroom sparks"),
    ("electrical", "common", "corridor lights out on several floors"),
    ("doors_windows", "home", "window hinge broken, window will not close"),
    ("doors_windows", "common", "entrance door closer broken, door slams"),
    ("elevator", "lift", "elevator doors reopen again and again"),
    ("elevator", "lift", "elevator makes a grinding noise"),
    ("public_facilities", "common", "street lamp out"),
    ("public_facilities", "common", "broken swing on the playground"),
    ("public_facilities", "common", "car park barrier does not lift"),
    ("drainage", "home", "bathroom sink drains slowly"),
    ("drainage", "common", "rainwater pooling at the entrance"),
    ("other", "home", "intercom handset cannot open the entrance door"),
    ("other", "common", "mailbox lock broken"),
)

COMPLAINTS: dict[str, tuple[str, ...]] = {
    "engineering": (
        "the repair last week did not fix the leak",
        "hot-water pipes in the corridor have been noisy for days",
    ),
    "environment": (
        "rubbish not collected at the entrance since yesterday",
        "stairwell has not been cleaned for a week",
        "lawn by the building has not been mowed, mosquitoes everywhere",
    ),
    "security": (
        "strangers walk in through the south gate without being stopped",
        "cars parked on the fire lane every night",
        "neighbours' dog barking late at night",
        "e-bikes charged in the corridor",
    ),
    "customer_service": (
        "front desk did not answer the phone for half an hour",
        "nobody told me when the water would be back",
    ),
    "fees": (
        "charged twice for the parking fee",
        "property fee rise not explained",
    ),
}

# What the person who takes the call can settle at once (当场解决), by what the resident
# says, and how: a tripped breaker, water off for works, a door in night mode, a fee
# explained. Everything else needs someone sent.
SETTLED_AT_ONCE: dict[str, str] = {
    "bathroom socket not working": "talked the resident through resetting the tripped "
    "breaker in the unit's distribution box; the socket works",
    "no water in the whole unit": "the water is off for maintenance of the main until 16:00, "
    "as the notice in the lobby says; told the resident",
    "intercom handset cannot open the entrance door": "the entrance was in night mode; "
    "explained how to open it with the access card",
    "car park barrier does not lift": "the control room lifted the barrier remotely and "
    "registered the plate",
    "nobody told me when the water would be back": "water back at 16:00 after maintenance "
    "of the main; apologised that no one had said",
    "property fee rise not explained": "explained the rise the owners' meeting approved and "
    "where the notice is posted",
    "charged twice for the parking fee": "the second charge is next month's fee, paid in "
    "advance; explained and sent the statement",
}

INVALID_COMPLAINTS = (
    (
        "outside the company's remit",
        "the street lamps outside the community belong to the city; "
        "we reported it to the street office and told the resident",
    ),
    (
        "a dispute between neighbours",
        "a private matter between neighbours; we explained and offered mediation",
    ),
    (
        "the contract does not cover it",
        "indoor decoration belongs to the owner; we gave the resident contractors' numbers",
    ),
)

RENOVATION_SCOPES: dict[str, tuple[str, ...]] = {
    "full": ("whole-unit renovation: new floors, kitchen, bathrooms and wiring",),
    "partial": (
        "kitchen renovation: new cabinets and tiling",
        "bathroom renovation: waterproofing, tiling and fittings",
        "enclose the balcony and replace the windows",
    ),
    "minor": ("repaint walls and ceilings", "replace wooden floor in the bedroom"),
}

CONTRACTORS = (
    "Shanghai Jiayuan Decoration Co.",
    "Anju Home Works",
    "Mingcheng Renovation Ltd.",
    "Lejia Interiors",
)

MISSING_MATERIALS = (
    "materials missing: contractor's licence",
    "materials missing: renovation drawings",
    "materials missing: copy of the property certificate",
    "materials missing: workers' ID list",
)

REJECTIONS = (
    "the plan removes part of a load-bearing wall",
    "the plan moves the gas pipe, which only the gas company may do",
    "the plan encloses a shared corridor",
)

VIOLATIONS = (
    "noisy works during the noon rest (12:00-14:00)",
    "debris left in the corridor overnight",
    "workers on site without passes",
    "fire door propped open with materials",
)

ACCEPTANCE_FAILURES = (
    "bathroom waterproofing failed the 48-hour water test",
    "the air-conditioner holes were drilled through the external insulation",
)

RESOLUTIONS: dict[str, str] = {
    "plumbing": "replaced the faulty fitting and tested for leaks",
    "electrical": "replaced the faulty part and tested the circuit",
    "gas": "closed the valve, the gas company fixed the leak, tested safe",
    "doors_windows": "repaired and adjusted",
    "elevator": "contractor repaired the elevator, safety check passed",
    "public_facilities": "repaired",
    "drainage": "cleared the blockage",
    "other": "repaired",
}

CALLBACK_COMMENTS: dict[str, tuple[str, ...]] = {
    "satisfied": ("all good, thank you", "quick and tidy work"),
    "basically_satisfied": ("fixed, but came later than promised", "fine, left some dust"),
    "unsatisfied": ("the problem is back", "not fixed properly"),
    "unreachable": ("no answer, will call again", "phone switched off"),
}

# What a resident says who calls again about a case still open (催办, 催单).
URGE_NOTES = (
    "住户再次来电催促，问师傅什么时候到",
    "住户来电询问进度，语气着急",
    "住户第二次来电，希望今天之内处理",
    "业主来电催办，说已经等了很久",
)
