// What if: when a finding changes, ask the service for the page with the new findings and
// swap in its result and picture. The numbers are the service's; nothing is computed here.
// Without JavaScript the form's Update button does the same with a page load.
"use strict";

document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("what-if");
  if (!form) return;
  let latest = 0;
  form.addEventListener("change", async () => {
    const url = `${form.action}?${new URLSearchParams(new FormData(form))}`;
    const request = ++latest;
    let page;
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      page = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch (error) {
      form.submit();  // let the browser show what went wrong
      return;
    }
    if (request !== latest) return;  // a later change has been sent meanwhile
    for (const id of ["result", "nomogram"]) {
      const current = document.getElementById(id);
      const fresh = page.getElementById(id);
      current.replaceChildren(...fresh.childNodes);
      for (const { name, value } of fresh.attributes) current.setAttribute(name, value);
    }
    history.replaceState(null, "", url);
  });
});
