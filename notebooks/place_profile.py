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
# The place: a LAD 2024 code (E06, E07, E08, E09) or an ICB code (E54). `anchor run --places lads` (or icbs)
# runs this notebook once for every place in England.
place_code: str = "E07000120"
# The outputs folder holding the national asset (outputs/places-lads/data/); empty: outputs/ in the project.
outputs: str = ""

# %%
from anchorlib.reports.params import check_parameters

check_parameters(globals(), "place_profile")

# %% tags=["timing-imports"]
from anchorlib.reports import charts
from anchorlib.reports import display as report
from anchorlib.reports import maps
from anchorlib.reports import place_profile as profile
from anchorlib.reports.params import project_path

# %% tags=["timing-load"]
p = profile.place_profile(place_code, project_path(outputs) if outputs else None)
report.header(f"Place profile: {p.name}", collaborative=p.site_name,
              subtitle=f"How deprived the neighbourhoods of {p.name} ({p.code}) are, beside "
                       f"{p.region or 'its region'}, England and every other {p.singular}.",
              sources=p.sources)

# %%
report.reading(profile.profile_reading(p))

# %% tags=["timing-plot"]
# The map people can explore (zoom, pan, a label for each neighbourhood); the PNG for print.
fig = charts.decile_map(p.lsoas, "imd_decile", lads=p.outlines, figsize=(7.5, 7),
                        title=f"{p.name}: IMD 2025 decile of each neighbourhood")
maps.figure(fig, p.lsoas, lads=p.outlines, alt=profile.map_alt(p),
            caption="Contains OS data © Crown copyright and database right 2025. Source: ONS, MHCLG.")

# %% [markdown]
# ## Summary measures beside the region, England and every other place
#
# MHCLG's summary measures for larger areas (see docs/deprivation_measures.md): average score and rank
# weighted by population, the share of neighbourhoods in the most deprived 10% nationally, *extent*
# (the share of residents living in the most deprived 30%, with sliding weights) and *local concentration*
# (how deprived the place's most deprived neighbourhoods, holding 10% of its residents, are). The national
# ranks compare the place with every other place of its kind in England: 1 is the most deprived.

# %%
report.table(p.summary, f"IMD 2025 summary measures: {p.name}, {p.region or 'region'} and England",
             name="summary_measures", notes=f"Population: {p.population_source}. Extent weights: {p.extent_method}.",
             units_from="measure")
report.table(p.ranks, f"{p.name} among the {p.n_places} {p.singular}s of England", name="national_ranks",
             units_from="measure",
             notes="Rank 1 = the most deprived on that measure; the site's index has every place's figures.")

# %% [markdown]
# ## Neighbourhoods by decile, and the domains of deprivation
#
# Each neighbourhood (LSOA) in England falls in one of ten deciles; by construction 10% of England's
# neighbourhoods are in each. The IMD combines seven domains: the share of neighbourhoods in the most
# deprived 10% on each shows which kinds of deprivation are most marked here.

# %%
report.table(p.deciles, f"{p.name}: neighbourhoods and residents by IMD 2025 decile", name="imd_deciles")
report.table(p.domains, f"Domains of deprivation: {p.name}, {p.region or 'region'} and England", name="domains",
             notes="Average rank: population-weighted, ranks reversed so that higher = more deprived (of 33,755).")
