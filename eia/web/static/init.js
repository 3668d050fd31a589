// Loaded as a module, so it runs only in browsers GOV.UK Frontend supports. The classes are
// set here rather than by an inline script, so a Content Security Policy can forbid those.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
