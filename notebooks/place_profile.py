# ---
# jupyter:
#   anchorlib:
#     inputs:
#     - catalogue
#     - place_data
#     order: 10
#     scope: place
#     title: Place profile
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: anchorlib
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
# The place: a LAD 2024 code (E06, E07, E08, E09), an ICB code (E54), or with `--nations uk` a Welsh local
# authority (W06), a Scottish council area (S12) or a Northern Irish district (N09).
# `anchor run --places lads` (or icbs) runs this notebook once for every place in England;
# `anchor run --places lads --nations uk` once for every local authority in the UK.
place_code: str = "E07000120"
# The outputs folder holding the national asset (outputs/places-lads/data/); empty: outputs/ in the project.
outputs: str = ""
# Which national asset: "lads", "icbs" or "lads-uk" (every district of the UK); empty: from the code.
places: str = ""

# %%
from anchorlib.reports.params import check_parameters

check_parameters(globals(), "place_profile")

# %% tags=["timing-imports"]
from anchorlib.reports import display as report
from anchorlib.reports import maps
from anchorlib.reports import place_profile as profile
from anchorlib.reports.params import project_path

# %% tags=["timing-load"]
p = profile.place_profile(place_code, project_path(outputs) if outputs else None, places or None)
report.header(f"Place profile: {p.name}", collaborative=p.site_name,
              subtitle=f"How deprived the small areas of {p.name} ({p.code}) are on {p.nation}'s own index "
                       f"({p.index_label}), beside {p.region or 'its region'}"
                       f"{'' if p.region == p.nation else ', ' + p.nation} and every other {p.singular} "
                       f"of {p.nation}.",
              sources=p.sources)

# %%
report.reading(profile.profile_reading(p))

# %% tags=["timing-plot"]
# The map people can explore (zoom, pan, a label for each small area with its own index's decile and rank);
# the PNG for print.
fig = profile.profile_map(p)
maps.figure(fig, p.lsoas, lads=p.outlines, alt=profile.map_alt(p), code=p.code_column, name=p.name_column,
            caption=profile.map_caption(p))

# %% [markdown]
# ## Summary measures beside the wider area, the nation and every other place of the nation
#
# The summary measures for larger areas of England's technical report (see docs/deprivation_measures.md),
# over the place's own nation's index and its own ranks: average score and rank weighted by population,
# the share of small areas in the nation's most deprived 10% (and 20% outside England, SIMD's "local share"),
# *extent* (the share of residents living in the nation's most deprived 30%, with sliding weights) and
# *local concentration* (how deprived the place's most deprived small areas, holding 10% of its residents,
# are). A measure the nation's index cannot give is shown as not available, and the notes say why: SIMD and
# NIMDM publish no overall score, and no population by Super Output Area is bundled for Northern Ireland.
# The ranks compare the place with the other places of its own nation only (1 is the most deprived): each
# nation's index ranks its own small areas, so a rank or a decile is never compared across nations.

# %%
report.table(p.summary, f"{p.index_label} summary measures: {p.name}, {p.region or 'region'}"
             f"{'' if p.region == p.nation else ' and ' + p.nation}",
             name="summary_measures",
             notes=" ".join([f"Population: {p.population_source}.", f"Extent weights: {p.extent_method}.",
                             *p.notes]),
             units_from="measure")
report.table(p.ranks, f"{p.name} among the {p.n_places} {p.plural} of {p.nation}", name="national_ranks",
             units_from="measure",
             notes=f"Rank 1 = the most deprived of {p.nation}'s {p.plural} on that measure ({p.index_label}); "
                   "the site's index has every place's figures.")

# %% [markdown]
# ## Small areas by decile, and the domains of deprivation
#
# Each small area of a nation falls in one of ten deciles of that nation's index; by construction about 10%
# of the nation's small areas are in each. The index combines domains (seven in England, Scotland and Northern
# Ireland, eight in Wales; each nation its own set): the share of small areas in the nation's most deprived 10%
# on each shows which kinds of deprivation are most marked here.

# %%
report.table(p.deciles, f"{p.name}: small areas and residents by {p.index_label} decile within {p.nation}",
             name="imd_deciles")
report.table(p.domains, f"Domains of deprivation ({p.index_label}): {p.name}, {p.region or 'region'}"
             f"{'' if p.region == p.nation else ' and ' + p.nation}", name="domains",
             notes=f"Average rank: population-weighted, ranks reversed so that higher = more deprived "
                   f"(of {p.index_areas:,} {p.small_area}s in {p.nation}).")
