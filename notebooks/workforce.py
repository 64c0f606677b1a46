# ---
# jupyter:
#   anchorlib:
#     inputs:
#     - collaborative
#     - workforce
#     order: 30
#     scope: collaborative
#     title: Workforce
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
# Empty: every anchor with staff data, side by side, and the anchors combined; an anchor id: that anchor only.
anchor: str = ""

# %%
from anchorlib.reports.params import check_parameters

check_parameters(globals(), "workforce")

# %%
from anchorlib.config.collaborative import load_collaborative
from anchorlib.reports import charts, workforce_charts
from anchorlib.reports import display as report
from anchorlib.reports import workforce as workforce_report
from anchorlib.reports.params import project_path

collab = load_collaborative(project_path(collaborative))
asset = workforce_report.read_workforce_asset(collab, project_path(outputs) if outputs else None)
w = workforce_report.workforce_report(collab, asset, anchor=anchor)
report.header(f"Workforce: {w.names[anchor]}" if anchor else "Workforce: every anchor and combined", collaborative=collab.spec.name, anchor=anchor or None,
              subtitle="Where the anchors' staff live, how deprived their neighbourhoods are, pay against the "
                       "Real Living Wage and new starters from deprived areas: aggregates only, through "
                       "disclosure control.",
              sources=workforce_report.sources(w), simulated=w.simulated,
              simulated_note="The demo's staff extracts are simulated (seeded; homes drawn from real postcodes "
                             "around each anchor's sites, pay in the shape of national scales). These figures "
                             "illustrate the method only and say nothing about these employers' real staff.")

# %%
report.reading(workforce_report.workforce_reading(w))

# %% [markdown]
# ## Reading these figures: what "c" means
#
# Staff extracts are personal data and never leave the collaborative's private folder. The figures below
# are counts and sums over many staff, and a figure that could identify anyone is suppressed and shown as
# **c** (empty in the CSV downloads, as in ONS tables).

# %%
if w.available:
    report.text(workforce_report.disclosure_note(w))
    report.table(w.summary, f"Headline figures, {w.year} (staff in post on "
                            f"{workforce_report.date_words(w.reference_date)})",
                 name="workforce_summary",
                 notes="c: suppressed. Staff are counted as people, not assignments (posts). Starters: "
                       "people who joined during the financial year (an internal move is not a new hire). "
                       "Shares are of staff in post.")

# %% [markdown]
# ## Where staff live
#
# Each member of staff is placed by their home postcode in the innermost tier that contains it: the place
# first, then the wider area, then the rest of the UK. A home postcode that is missing or not valid is
# counted as such, never guessed.

# %%
if w.available:
    labels, series = workforce_charts.chart_series(w.by_tier, "where staff live", "share of staff (%)",
                                                   skip=["all staff"])
    fig = workforce_charts.share_chart(labels, series, title="Where staff live: share of staff in post",
                                       xlabel="share of staff in post (%)")
    report.figure(fig, alt=workforce_charts.chart_alt(labels, series,
                                                      "Bar chart of the share of staff in post by where they live"))
    report.table(w.by_tier, "Staff and pay by where staff live", name="staff_by_tier",
                 notes="c: suppressed. Pay: annual pay of staff in post (actual, pro rata), rounded to £1,000.")
    report.table(w.within, "Staff living in the place, or in the place and the wider area",
                 name="staff_within_tier", notes="c: suppressed. Each row counts the tiers inside it too.")

# %% [markdown]
# ## Deprivation of the neighbourhoods staff live in
#
# The English Indices of Deprivation 2025 decile of the neighbourhood (LSOA) of each home postcode:
# 1 is the most deprived 10% of neighbourhoods in England. Homes in Wales, Scotland or Northern Ireland have
# no English decile.

# %%
if w.available:
    head = workforce_report.group_name(w.headline, w.names)
    ranked = charts.ranked_deciles(w.deciles[w.deciles["anchor"] == head],
                                   "IMD 2025 decile of the home neighbourhood")
    labels, series = workforce_charts.chart_series(ranked, "IMD 2025 decile of the home neighbourhood",
                                                   "share of staff (%)")
    fig = workforce_charts.share_chart(labels, series, title=f"{head}: staff by the deprivation of their "
                                       "home neighbourhood", xlabel="share of staff in post (%)",
                                       reference=10, reference_label="even spread: 10% per decile",
                                       colours=charts.decile_colours()[:len(labels)])
    report.figure(fig, alt=workforce_charts.chart_alt(labels, series, f"Bar chart of {head}'s staff by IMD 2025 "
                                                      "decile of their home neighbourhood, 1 most deprived"))
    labels, series = workforce_charts.chart_series(w.deprived, "staff living in", "share of staff (%)")
    band = workforce_report.band_label(w.deprived_deciles, short=True)
    flat = {"share of staff": [v[0] for v in series.values()]}
    fig = workforce_charts.share_chart(list(series), flat, title=f"Staff living in the {band} of neighbourhoods",
                                       xlabel="share of staff in post (%)", reference=10 * len(w.deprived_deciles),
                                       reference_label=f"even spread: {10 * len(w.deprived_deciles)}%")
    report.figure(fig, alt=workforce_charts.chart_alt(list(series), flat, f"Bar chart of the share of staff "
                                                      f"living in the {band} of neighbourhoods, by anchor"))
    report.table(w.deciles, "Staff and pay by the IMD 2025 decile of the home neighbourhood",
                 name="staff_by_deprivation", notes="c: suppressed. Decile 1: the most deprived 10% in England.",
                 max_rows=60)
    report.table(w.deprived, f"Staff living in the {band} of neighbourhoods", name="staff_in_deprived_areas",
                 notes="c: suppressed.")

# %% [markdown]
# ## Pay against the Real Living Wage
#
# Staff in post whose hourly pay (rounded to the penny) is at or above the Real Living Wage for the year:
# the London rate for those working in London, the UK rate otherwise. No exemptions (apprentices, for one)
# are applied.

# %%
if w.available:
    names = list(w.rlw["anchor"])
    flat = {"paid at or above": list(w.rlw["paid at or above (%)"])}
    fig = workforce_charts.share_chart(names, flat, title="Staff paid at or above the Real Living Wage",
                                       xlabel="share of staff in post (%)")
    report.figure(fig, alt=workforce_charts.chart_alt(names, flat, "Bar chart of the share of staff in post paid "
                                                      "at or above the Real Living Wage, by anchor"))
    report.table(w.rlw, f"Staff paid at or above the Real Living Wage, {w.year}", name="real_living_wage",
                 notes="c: suppressed. " + workforce_report.rlw_source_note(w))

# %% [markdown]
# ## Impact hires: new starters from deprived neighbourhoods
#
# The Healthcare Anchor Network's goal: at least 10% of new starters from the most deprived
# neighbourhoods. Every starter counts in the denominator, so a starter whose home is outside England
# or not known counts as not shown to be from a deprived neighbourhood. A starter is a person who joined
# the anchor in the year: a move between posts inside the anchor is not a new hire.

# %%
if w.available:
    band = workforce_report.band_label(w.deprived_deciles, short=True)
    col = f"from the {band} (%)"
    names = list(w.impact_hires["anchor"])
    flat = {"starters from deprived neighbourhoods": list(w.impact_hires[col])}
    target = float(w.meta.get("impact_hire_target", 0.1)) * 100
    fig = workforce_charts.share_chart(names, flat, title=f"Starters in {w.year} from the {band} of neighbourhoods",
                                       xlabel="share of starters (%)", reference=target,
                                       reference_label=f"goal: at least {target:.0f}%")
    report.figure(fig, alt=workforce_charts.chart_alt(names, flat, f"Bar chart of the share of starters from the "
                                                      f"{band} of neighbourhoods, by anchor; the goal is {target:.0f}%"))
    report.table(w.impact_hires, f"Starters in {w.year} by where they live", name="impact_hires",
                 notes="c: suppressed. Home postcode as in the extract (it may be later than at hire).")

# %% [markdown]
# ## The staff data behind these figures

# %%
report.table(w.staff_data, "Staff data per anchor", name="staff_data",
             notes=w.note or "Staff-level extracts stay in the collaborative's private folder; only the "
                             "aggregates above are published.")
