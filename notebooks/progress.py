# ---
# jupyter:
#   anchorlib:
#     inputs:
#     - collaborative
#     - catalogue
#     - ledger
#     - register
#     - baseline
#     order: 40
#     scope: collaborative
#     title: Progress against the baseline
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
# Baseline financial year (e.g. "2022-23"); empty: the collaborative's baseline_year.
baseline_year: str = ""
# Judge each target on the last complete financial year only (12 months of payments from every anchor).
complete_only: bool = True

# %%
from anchorlib.reports.params import check_parameters

check_parameters(globals(), "progress")

# %%
from anchorlib.assets.register import read_located_ledger
from anchorlib.config.collaborative import load_collaborative
from anchorlib.reports import display as report
from anchorlib.reports import progress as progress_report
from anchorlib.reports import progress_charts
from anchorlib.reports.params import project_path

collab = load_collaborative(project_path(collaborative))
out_root = project_path(outputs) if outputs else None
ledger = read_located_ledger(collab, out_root)
p = progress_report.collaborative_progress(collab, ledger, complete_only=complete_only,
                                           baseline_year=baseline_year or None, out_root=out_root)
report.header(f"Progress: {p.name}", collaborative=collab.spec.name,
              subtitle=f"Every headline indicator year by year against the baseline year ({p.baseline_year}) "
                       "and the collaborative's targets.",
              sources=progress_report.sources(collab), simulated=p.simulated)

# %%
report.reading(progress_report.progress_reading(p))

# %% [markdown]
# ## Which years can be compared
#
# Financial years run from April to March. A year is incomplete when an anchor published fewer than 12
# months of payments in it: its totals are not comparable with full years, and a baseline must be a
# complete year. A full year is compared with the baseline year only when every anchor published from the
# same threshold (£500, £250 or every line) and on the same known VAT basis in both years; otherwise the
# year's status says why not. Combined figures for a year cover the anchors with payments in it.

# %%
report.table(p.coverage, f"{p.name}: months with payments, by anchor and financial year", name="year_coverage")

# %% [markdown]
# ## The frozen baseline
#
# `anchor run` freezes the baseline figures (and the supplier register version they were computed with)
# the first time it runs. A later edit of the register, a re-published ledger or a changed setting that
# moves a baseline figure is listed here as a restatement: the frozen figure beside the restated one.
# Changes are measured against the restated figures, so both years count the same register.

# %%
if p.frozen is None:
    report.text("No baseline is frozen yet (the baseline year is not complete for any anchor, or "
                "`anchor run` has not run).")
elif len(p.restated):
    report.table(p.restated, f"{p.name}: baseline figures restated since the baseline was frozen",
                 name="baseline_restatements", units_from="indicator",
                 notes=f"Frozen with supplier register version {p.frozen.get('register_version')}; "
                       "differences of shares in percentage points.")
else:
    report.text(f"The baseline figures ({p.frozen.get('baseline_year')}) are as frozen, with supplier "
                f"register version {p.frozen.get('register_version')}: none is restated.")

# %% [markdown]
# ## Targets
#
# Each target declared in the collaborative's YAML, judged on the latest complete year (unless the
# report was run with `complete_only` off). "Needed per year": the gap divided by the years left;
# "achieved per year": the change since the baseline divided by the years since it.

# %%
if len(p.targets):
    report.table(p.targets, f"{p.name}: targets", name="targets", units_from="indicator",
                 notes="Units: each row's, in its indicator; gaps and paces of shares are in percentage points.")
else:
    report.text("The collaborative's YAML declares no targets yet.")

# %%
for (indicator, anchor), years in p.target_years.items():
    fig = progress_charts.progress_chart(p, indicator, anchor)
    report.figure(fig, alt=progress_charts.chart_alt(p, indicator, anchor))
    report.table(years, f"{progress_report.indicator_label(indicator, p.place, unit=False)}: year by year "
                        "against the target", name=f"target_{indicator}_{anchor}")

# %% [markdown]
# ## Every headline indicator, all anchors combined
#
# Combined: all anchors' payments less the payments between member anchors. Column headings mark the
# baseline year and incomplete years. Open circles on the charts mark incomplete years.

# %%
fig = progress_charts.progress_chart(p, "total")
report.figure(fig, alt=progress_charts.chart_alt(p, "total"))
fig = progress_charts.shares_chart(p)
report.figure(fig, alt=progress_charts.shares_alt(p))
report.table(p.headline, f"{p.name}: headline indicators by financial year, all anchors combined",
             name="headline_by_year", units_from="indicator")
report.table(p.change, f"{p.name}: change since the baseline year {p.baseline_year}, all anchors combined",
             name="change_since_baseline", units_from="indicator",
             notes="Value in the year less the value in the baseline year; shares in percentage points.")

# %% [markdown]
# ## Every indicator for every anchor
#
# The full table (each anchor on its own, its payments to other members included, and all anchors
# combined) is in the downloads.

# %%
report.table(p.long, f"{p.name}: every indicator by anchor and financial year", name="progress_all",
             units_from="indicator", max_rows=12)
