// The feedback form of an open dataset's page: sends `submitFeedback` to the GraphQL API
// (no token needed) and says what happened.
"use strict";

(function () {
  const form = document.getElementById("feedback");
  if (!form) return;
  const result = document.getElementById("feedback-result");
  const MUTATION = `mutation PageFeedback($input: SubmitFeedbackInput!) {
  submitFeedback(input: $input) { feedback { id } }
}`;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const input = {
      kind: data.get("kind"),
      title: data.get("title").trim(),
      body: data.get("body").trim(),
      openDatasetId: form.dataset.dataset,
      organizationId: form.dataset.organization,
    };
    const email = data.get("contactEmail").trim();
    if (email) input.contactEmail = email;
    result.className = "";
    result.textContent = "Đang gửi…";
    try {
      const resp = await fetch("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json" },
        body: JSON.stringify({ query: MUTATION, variables: { input } }),
      });
      const answer = await resp.json();
      if (answer.errors && answer.errors.length) throw new Error(answer.errors.map((e) => e.message).join("; "));
      form.reset();
      result.className = "ok";
      result.textContent = "Cảm ơn bạn. Góp ý đã được gửi tới cơ quan công bố dữ liệu.";
    } catch (err) {
      result.className = "error";
      result.textContent = "Chưa gửi được: " + err.message;
    }
  });
})();
