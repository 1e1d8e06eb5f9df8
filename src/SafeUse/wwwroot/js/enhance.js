// Marks the page as able to run GOV.UK Frontend's JavaScript, then starts it. Every page works without this file.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
