"""The case page's views, built from the case's own events as the API loads them:
what each event changed, the steps (工单流转), the milestones, the first-contact chain,
the reporter (masked until revealed) and the versions the as-of slider moves over."""
