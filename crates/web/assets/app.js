// Progressive enhancement only: every task works without JavaScript.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
