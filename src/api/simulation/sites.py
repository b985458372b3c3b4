"""The communities a simulated company runs: codes, names and how many households each."""

from __future__ import annotations

from importlib.resources import files

from api.simulation.simulator import Contract, Site

# Common names of Chinese residential communities, with codes an operator would choose.
NAMES = (
    ("sunny-garden", "阳光花园"),
    ("lakeside", "湖畔雅苑"),
    ("pine-court", "松苑"),
    ("riverside", "滨江花园"),
    ("bamboo-grove", "竹林苑"),
    ("golden-bay", "金湾华府"),
    ("maple-park", "枫林园"),
    ("east-lake", "东湖居"),
    ("west-hills", "西山美墅"),
    ("spring-city", "春城花园"),
    ("orchid-court", "兰苑"),
    ("plum-garden", "梅园新村"),
    ("harbour-view", "海景苑"),
    ("green-valley", "绿谷嘉园"),
    ("cloud-terrace", "云台府"),
    ("jade-garden", "翡翠园"),
    ("willow-bank", "柳岸人家"),
    ("peach-blossom", "桃源居"),
    ("star-river", "星河湾"),
    ("north-star", "北辰苑"),
)
MOST = len(NAMES)
# Three communities are sized as a company's usually are: one large, one middling, one
# small (with 2,000 households: 1,000 / 600 / 400). Any other number is split evenly.
THREE = (5, 3, 2)


def company_sites(households: int, count: int) -> tuple[Site, ...]:
    """`households` split over `count` communities; one is the deployment's default."""
    if not 1 <= count <= MOST:
        raise ValueError(f"a simulated company has 1 to {MOST} communities, not {count}")
    if count == 1:
        return ()
    if households < count:
        raise ValueError(f"{count} communities need at least {count} households")
    weights = THREE if count == 3 else (1,) * count
    sizes = [households * w // sum(weights) for w in weights]
    sizes[0] += households - sum(sizes)  # what rounding left over goes to the largest
    return tuple(Site(code, name, size) for (code, name), size in zip(NAMES, sizes, strict=False))


def company_contracts(sites: tuple[Site, ...], days: int) -> tuple[Contract, ...]:
    """Three communities: the smallest's contract moves to a looser level (二级) halfway
    through the period; the others keep the deployment's policy."""
    if len(sites) != 3 or days < 2:
        return ()
    text = files("projections").joinpath("policies/level-2.toml").read_text(encoding="utf-8")
    return (Contract(sites[2].code, text, days // 2),)
