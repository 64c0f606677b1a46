# ---
# jupyter:
#   anchorlib:
#     inputs:
#     - collaborative
#     - catalogue
#     - place_asset
#     order: 10
#     scope: collaborative
#     title: Place baseline
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
# The collaborative YAML, relative to the project root (or absolute).
collaborative: str = "collaboratives/lancashire.yml"
# The outputs folder holding the shared assets; empty: outputs/ in the project.
outputs: str = ""
# Show charitable grants into the place when the optional 360Giving source is on this machine.
grants: bool = True

# %%
from anchorlib.reports.params import check_parameters

check_parameters(globals(), "place_baseline")

# %%
from anchorlib.assets.place import read_place_asset
from anchorlib.config.collaborative import load_collaborative
from anchorlib.reports import charts, maps
from anchorlib.reports import display as report
from anchorlib.reports import place_baseline as baseline
from anchorlib.reports.params import project_path

collab = load_collaborative(project_path(collaborative))
asset = read_place_asset(collab, project_path(outputs) if outputs else None)
b = baseline.place_baseline(collab, asset, grants=grants)
report.header(f"Place baseline: {b.place}", collaborative=collab.spec.name,
              subtitle=f"Who lives in {b.place} and how deprived its neighbourhoods are, beside "
                       f"{b.region or 'its region'} and England.",
              sources=baseline.sources(b))

# %%
report.reading(baseline.baseline_reading(b))

# %% [markdown]
# ## Population and neighbourhoods
#
# Neighbourhoods here are Lower layer Super Output Areas (LSOAs, 2021 boundaries): small areas of
# about 1,500 residents that the English Indices of Deprivation rank from 1 (most deprived) to 33,755.
# The tiers are the rings a collaborative counts as "local", innermost first.

# %%
report.table(b.tiers, f"Neighbourhoods and residents of {b.place} and its wider tiers",
             name="tiers", notes="Residents: Census 2021 usual residents. Tier areas as declared in the place file.")
report.table(b.districts, f"Districts of {b.place}, most deprived first (IMD 2025)", name="districts",
             notes="Average score: population-weighted mean IMD 2025 score (higher = more deprived). "
                   "Extent: share of residents in the most deprived 30% of neighbourhoods, with sliding weights.")

# %% [markdown]
# ## How deprived: the Index of Multiple Deprivation 2025
#
# Each neighbourhood in England falls in one of ten deciles; by construction 10% of England's
# neighbourhoods are in each. A place with more than 10% in decile 1 has more than its share of
# the most deprived neighbourhoods.

# %%
fig = charts.hbar(b.deciles["IMD decile (1 = most deprived)"], b.deciles["share of neighbourhoods (%)"],
                  title=f"{b.place}: neighbourhoods by national IMD 2025 decile",
                  xlabel="share of the place's neighbourhoods (%)", unit="%",
                  colours=charts.decile_colours(), reference=10, reference_label="England: 10% in each decile")
report.figure(fig, alt=f"Bar chart of the share of {b.place}'s {b.lsoa_count} neighbourhoods in each national IMD "
                       f"2025 decile, from decile 1 (most deprived) to 10; a dashed line marks England's 10%. "
                       + baseline.decile_alt(b),
              caption="Source: English Indices of Deprivation 2025 (MHCLG), LSOA 2021.")
report.table(b.deciles, f"{b.place}: neighbourhoods and residents by IMD 2025 decile", name="imd_deciles")

# %%
# The map people can explore (zoom, pan, a label for each neighbourhood); the PNG for print.
fig = charts.decile_map(asset.lsoas, "imd_decile", lads=asset.lads, sites=asset.sites,
                        title=f"{b.place}: IMD 2025 decile of each neighbourhood, with the anchors' sites")
maps.figure(fig, asset.lsoas, lads=asset.lads, sites=asset.sites,
            alt=f"Map of {b.place}'s {b.lsoa_count} neighbourhoods coloured by national IMD 2025 decile, "
                "dark blue for the most deprived 10% to yellow for the least deprived, district boundaries "
                "outlined and each anchor site marked with a star. " + baseline.map_alt(b, asset),
            caption="Contains OS data © Crown copyright and database right 2025. Source: ONS, MHCLG.")

# %% [markdown]
# ### Summary measures beside the region and England
#
# MHCLG's summary measures for larger areas (see docs/deprivation_measures.md): average score and rank
# weighted by population, the share of neighbourhoods in the most deprived 10% nationally, *extent*
# (the share of residents living in the most deprived 30%, with sliding weights) and *local concentration*
# (how deprived the place's most deprived neighbourhoods, holding 10% of its residents, are).

# %%
report.table(b.summary, f"IMD 2025 summary measures: {b.place}, {b.region or 'region'} and England",
             name="summary_measures", notes=f"Population: {b.population_source}. Extent weights: {b.extent_method}.",
             units_from="measure")

# %% [markdown]
# ## Domains of deprivation
#
# The IMD combines seven domains. The share of neighbourhoods in the most deprived 10% on each domain
# shows which kinds of deprivation are most marked here.

# %%
cols = [c for c in b.domains.columns if c.endswith("in most deprived 10% (%)")]
fig = charts.grouped_hbar(b.domains, "domain", cols, unit="%",
                          series_labels=[c.split(":")[0] for c in cols],
                          title="Neighbourhoods in the most deprived 10% nationally, by domain",
                          xlabel="share of neighbourhoods in the most deprived 10% (%)")
report.figure(fig, alt=baseline.domains_alt(b), caption="Source: English Indices of Deprivation 2025 (MHCLG).")
report.table(b.domains, "Domains of deprivation: place, region and England", name="domains",
             notes="Average rank: population-weighted, ranks reversed so that higher = more deprived (of 33,755).")

# %%
fig = charts.decile_small_multiples(asset.lsoas, baseline.domain_columns(), lads=asset.lads,
                                    title=f"{b.place}: national decile of each neighbourhood on each domain")
report.figure(fig, alt=f"Seven small maps of {b.place}, one per domain of deprivation, each neighbourhood coloured by "
                       "its national decile on that domain from dark blue (most deprived 10%) to yellow (least).",
              caption="Contains OS data © Crown copyright and database right 2025. Source: MHCLG.")

# %% [markdown]
# ## Census 2021
#
# Shares of households or residents, summed over the neighbourhoods of each area.

# %%
fig = charts.grouped_hbar(b.census, "measure", [c for c in b.census.columns if c != "measure"], unit="%",
                          title="Census 2021 measures: place, region and England", xlabel="share (%)")
report.figure(fig, alt=baseline.census_alt(b), caption="Source: Census 2021 (ONS), LSOA 2021.")
report.table(b.census, "Census 2021 measures: place, region and England", name="census_2021")

# %% [markdown]
# ## Charitable grants into the place, by ward deprivation
#
# Context, not an anchor indicator: grants by all funders publishing to the 360Giving standard (award
# years 2013-2018, an optional source), placed by the recipient organisation's registered address (not
# necessarily where the money was spent), by the IMD 2025 decile of that ward. Ward deciles are weighted
# by population: each holds a tenth of England's residents. Many grants are recorded only at district
# level: they are counted in the place but their ward is unknown.

# %%
if b.grants is not None:
    placed = b.grants[b.grants["share of grants placed in a ward (%)"].notna()]
    fig = charts.grouped_hbar(placed, baseline.GRANTS_DECILE_COLUMN,
                              ["share of grants placed in a ward (%)", "share of the place's residents (%)"],
                              series_labels=["grants (£)", "residents"], unit="%",
                              title="Grants placed in a ward and residents, by ward IMD 2025 decile",
                              xlabel="share (%)")
    report.figure(fig, alt=baseline.grants_alt(b),
                  caption="Source: 360Giving data published by UK funders. " + b.grants_summary["context"])
    report.table(b.grants, "Charitable grants into the place by ward IMD 2025 decile", name="grants_by_ward_decile")
else:
    report.text("Charitable grants are not shown: " + "; ".join(n for n in b.notes if "grants" in n.lower()))

# %% [markdown]
# ## Notes
#
# Population-weighted measures use the population named under the summary table. Deciles and ranks: 1 is
# the most deprived. All figures are computed by `anchorlib` (tested functions); this report only shows them.

# %%
if b.notes:
    report.text("\n".join(f"- {n}" for n in b.notes))
