/* Start Swagger UI on /api/v1/docs (templates/api_docs.html) from its settings in the page;
   "Try it out" from a signed-in browser sends the CSRF token the session API asks for. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrf = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  config.requestInterceptor = function (request) {
    if (csrf) { request.headers["X-CSRFToken"] = csrf; }
    return request;
  };
  SwaggerUIBundle(config);
})();
