# ---
# jupyter:
#   anchorlib:
#     inputs:
#     - collaborative
#     - catalogue
#     - ledger
#     - register
#     order: 30
#     scope: collaborative
#     title: Collaborative spend
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
# How many of the largest suppliers (and shared suppliers) to list.
suppliers_listed: int = 20
# How many collective opportunities to list and chart.
opportunities_listed: int = 10
# A supplier is shared, and a category an opportunity, when at least this many anchors use it.
min_anchors: int = 2

# %%
from anchorlib.reports.params import check_parameters

check_parameters(globals(), "collaborative_spend")

# %%
from anchorlib.assets.register import read_located_ledger
from anchorlib.config.collaborative import load_collaborative
from anchorlib.reports import charts
from anchorlib.reports import collaborative_spend as collaborative_report
from anchorlib.reports import display as report
from anchorlib.reports.params import project_path

collab = load_collaborative(project_path(collaborative))
ledger = read_located_ledger(collab, project_path(outputs) if outputs else None)
c = collaborative_report.collaborative_spend(collab, ledger, suppliers_listed=suppliers_listed,
                                             opportunities_listed=opportunities_listed, min_anchors=min_anchors)
report.header(f"Collaborative spend: {c.name}", collaborative=collab.spec.name,
              subtitle=f"What the {len(c.anchor_names)} anchors spend together, without counting twice the money "
                       f"they pay each other: where it goes, the suppliers they share, and what several of them "
                       f"buy from outside {c.place}.",
              sources=collaborative_report.sources(collab), simulated=c.simulated)

# %%
report.reading(collaborative_report.collaborative_reading(c))

# %% [markdown]
# ## Combined spend
#
# "Combined" is every anchor's payments less the payments from one member anchor to another: money
# moving inside the collaborative is not spend in the economy. Those payments are listed at the end.

# %%
report.table(c.summary, f"{c.name}: the headline figures", name="summary", units_from="measure",
             notes="Net of refunds; payments published twice counted once; combined figures leave out the "
                   "payments between member anchors.")
fig = charts.hbar(c.anchors["anchor"].iloc[:-1], c.anchors["spend outside the collaborative (£)"].iloc[:-1],
                  title="Spend by anchor, net of payments to member anchors", xlabel="spend (£)", unit="£")
report.figure(fig, alt=report.describe(c.anchors.iloc[:-1], "anchor", "spend outside the collaborative (£)",
                                       "Bar chart of each anchor's spend outside the collaborative"))
report.table(c.anchors, f"{c.name}: spend by anchor", name="spend_by_anchor")

# %% [markdown]
# ## Combined spend by place
#
# Each supplier is placed by its postcode in the innermost tier that contains it. Spend whose supplier
# cannot be located stays in every "share of all spend"; "share of located spend" leaves it out.

# %%
fig = charts.hbar(c.tiers["tier (innermost first)"], c.tiers["share of all spend (%)"],
                  title="All anchors combined: spend by where the supplier is", unit="%",
                  xlabel="share of all combined spend (%)")
report.figure(fig, alt=report.describe(c.tiers, "tier (innermost first)", "share of all spend (%)",
                                       "Bar chart of the share of combined spend by supplier location"))
report.table(c.tiers, f"{c.name}: combined spend by tier", name="spend_by_tier",
             notes="Each anchor's column: its spend in the tier, payments to member anchors left out.")

# %% [markdown]
# ## Combined spend by neighbourhood deprivation
#
# The deprivation decile of the small area where each located supplier is based, 1 the most deprived 10%.
# Under the default basis (`deprivation_basis: own_nation`) a supplier in Wales, Scotland or Northern
# Ireland has its own nation's decile (WIMD 2019, SIMD 2020, NIMDM 2017), which says how deprived its area
# is within that nation only; under `england_only` it has none. The table's note names this page's basis.

# %%
from anchorlib.indicators.collective import decile_basis_note

dec_col = c.deciles.columns[0]  # its heading names the deprivation basis
ranked = charts.ranked_deciles(c.deciles, dec_col)
fig = charts.hbar(ranked[dec_col], ranked["share of located spend (%)"],
                  title="All anchors combined: located spend by the deprivation of the supplier's neighbourhood",
                  xlabel="share of located combined spend (%)", unit="%", colours=charts.decile_colours(),
                  reference=10, reference_label="even spread: 10% per decile")
report.figure(fig, alt=report.describe(ranked, dec_col, "share of located spend (%)",
                                       f"Bar chart of the share of located combined spend by {dec_col}, "
                                       "1 most deprived"))
report.table(c.deciles, f"{c.name}: combined spend by {dec_col}", name="spend_by_deprivation",
             notes=decile_basis_note(collab.spec.indicators.deprivation_basis))
report.table(c.tier_deprivation, f"{c.name}: spend in the most deprived neighbourhoods, by tier",
             name="deprived_spend_by_tier",
             notes=f"Most deprived: deciles {', '.join(map(str, c.deprived_deciles))} ({dec_col}). Share: of the "
                   "tier's spend with suppliers that have a decile.")

# %%
from anchorlib.reports import suppliers_section

# the payments the combined figures above cover (the years every anchor published in full)
suppliers_section.show(collab, collaborative_report.comparable_ledger(collab, ledger)[0],
                       out_root=project_path(outputs) if outputs else None)

# %% [markdown]
# ## Suppliers the anchors share
#
# A supplier is used by an anchor when the anchor's net spend with it is positive. In the matrix, each
# cell is the number of suppliers both anchors use; the diagonal is each anchor's own number of suppliers.

# %%
report.table(c.overlap, f"{c.name}: suppliers used by each pair of anchors", name="supplier_overlap_matrix",
             notes="Named suppliers matched across anchors in the supplier register; redacted payees and "
                   "payments to member anchors left out.")
report.table(c.shared_suppliers, f"{c.name}: the largest suppliers used by {min_anchors} or more anchors",
             name="shared_suppliers", max_rows=suppliers_listed)

# %% [markdown]
# ## Collective opportunities
#
# The things several anchors all buy from suppliers outside the place: candidates for a joint contract
# with a local supplier, or for growing one. Addressable spend only (payments to public bodies, taxes,
# utilities and the like left out), grouped by the common category list.

# %%
if len(c.opportunities):
    top = c.opportunities.head(opportunities_listed)
    fig = charts.grouped_hbar(top, "category", ["bought from outside the place (£)", "bought in the place (£)"],
                              title=f"Categories several anchors buy from outside {c.place}", xlabel="spend (£)",
                              unit="£", series_labels=[f"outside {c.place}", f"in {c.place}"])
    report.figure(fig, alt=report.describe(top, "category", "bought from outside the place (£)",
                                           f"Bar chart of addressable spend bought from outside {c.place}, by "
                                           "category, with the spend already in the place beside it"))
else:
    report.text(f"No category is bought from outside {c.place} by {min_anchors} or more anchors.")
report.table(c.opportunities, f"{c.name}: collective opportunities", name="collective_opportunities",
             notes="Local share: of the category's located addressable spend. Moveable spend: the Healthcare "
                   "Anchor Network's categories; bought jointly elsewhere: by anchor networks elsewhere.")
report.table(c.left_out, f"{c.name}: spend outside the place in categories left out", name="categories_left_out",
             notes="Not addressable (insurance, pay, taxes, other public bodies) or not classified to a category.")

# %% [markdown]
# ## Portfolio concentration
#
# How much of the partnership's procurement spend goes to a few suppliers. The HHI
# (Herfindahl-Hirschman index) is the sum of the squared shares of each supplier, 0 to 10,000;
# 10,000 divided by it is the number of equal suppliers that would give the same figure. It
# describes one buyer's portfolio, not a market of sellers, so no merger-regulation threshold
# applies. It is computed on procurement spend (public bodies, HMRC, pension funds, precepts,
# grants to individuals and redacted payees left out), overall and within each category.

# %%
report.table(c.concentration, f"{c.name}: portfolio concentration", name="concentration",
             units_from="measure")
report.table(c.category_concentration, f"{c.name}: portfolio concentration by category",
             name="concentration_by_category",
             notes="Procurement spend with named suppliers in each common category.")
report.table(c.top_suppliers, f"{c.name}: the {len(c.top_suppliers)} largest suppliers", name="top_suppliers",
             max_rows=suppliers_listed, notes="Share: of net spend with named suppliers (the HHI denominator).")

# %% [markdown]
# ## Payments between member anchors
#
# Payments from one member anchor to another (an anchor paying itself included, e.g. its own council
# tax), matched on the payee's name. They are left out of every combined figure above.

# %%
report.table(c.intra, f"{c.name}: payments between member anchors", name="intra_collaborative_payments")
