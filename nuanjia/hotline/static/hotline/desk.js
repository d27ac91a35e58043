// The agent desk: picking a worker from the caller panel fills the intake form.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-pick-worker]");
  if (!button) return;
  const form = document.getElementById("intake-form");
  if (!form) return;
  form.querySelector("[name=worker]").value = button.dataset.pickWorker;
  const name = form.querySelector("[name=caller_name]");
  if (name && !name.value) name.value = button.dataset.name;
  const region = form.querySelector("[name=region_code]");
  if (region && !region.value && button.dataset.region) region.value = button.dataset.region;
  const employer = form.querySelector("[name=employer_name]");
  if (employer && !employer.value && button.dataset.employer) employer.value = button.dataset.employer;
  button.closest("li").classList.add("picked");
  button.setAttribute("aria-pressed", "true");
});

// The answer step: a template's "use" button puts its text into the answer.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-use-template]");
  if (!button) return;
  const answer = document.querySelector("textarea[name=answer]");
  if (answer) answer.value = button.dataset.useTemplate;
});
