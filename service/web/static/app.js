/* kehoach web page: upload with progress, click a highlight to correct its task, delete/reprocess. No build step. */
(function () {
  "use strict";
  var K = window.KEHOACH || {msg: {}};
  var CSRF = {"X-CSRF-Token": K.csrf || ""};  /* every change carries the page's CSRF token */

  function errorText(xhrOrBody) {
    try {
      var body = typeof xhrOrBody === "string" ? JSON.parse(xhrOrBody) : xhrOrBody;
      return (K.lang === "vi" ? body.message_vi : body.message) || body.message || "";
    } catch (e) { return ""; }
  }

  /* ---- upload with progress, then follow the job ---- */
  var form = document.getElementById("upload-form");
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var input = document.getElementById("upload-file");
      if (!input.files.length) { return; }
      var bar = document.getElementById("upload-progress");
      var status = document.getElementById("upload-status");
      var data = new FormData();
      data.append("file", input.files[0]);
      var replaces = document.getElementById("upload-replaces");
      if (replaces && replaces.value) { data.append("replaces", replaces.value); }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/documents");
      xhr.setRequestHeader("X-CSRF-Token", CSRF["X-CSRF-Token"]);
      bar.hidden = false; bar.value = 0; status.className = ""; status.textContent = K.msg.uploading;
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); } };
      xhr.onload = function () {
        if (xhr.status >= 400) {
          status.className = "error"; status.textContent = K.msg.failed + ": " + errorText(xhr.responseText);
          return;
        }
        var body = JSON.parse(xhr.responseText);
        bar.value = 100;
        if (body.document && body.document.status === "ready") {
          status.textContent = K.msg.done; window.location.href = "/web/documents/" + body.document.id; return;
        }
        status.textContent = K.msg.processing;
        pollJob(body.job.id, status);
      };
      xhr.onerror = function () { status.className = "error"; status.textContent = K.msg.failed; };
      xhr.send(data);
    });
  }

  function pollJob(id, status) {
    fetch("/jobs/" + id, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (job) {
      if (job.status === "done") { window.location.href = "/web/documents/" + job.document_id; }
      else if (job.status === "failed") {
        status.className = "error";
        status.textContent = K.msg.failed + ": " + ((K.lang === "vi" && job.error.message_vi) || job.error.message);
      } else { setTimeout(function () { pollJob(id, status); }, 700); }
    });
  }

  /* ---- document view: click a highlight, show and correct its task ---- */
  function select(id) {
    document.querySelectorAll("mark.ob.active").forEach(function (m) { m.classList.remove("active"); });
    document.querySelectorAll("article.obligation.active").forEach(function (a) { a.classList.remove("active"); });
    document.querySelectorAll("mark.ob").forEach(function (m) {
      if (m.dataset.ob.split(" ").indexOf(String(id)) >= 0) { m.classList.add("active"); }
    });
    var card = document.getElementById("ob-" + id);
    if (!card) { return; }
    card.classList.add("active");
    var f = card.querySelector("form.correct");
    if (f) { f.hidden = false; }
    card.scrollIntoView({block: "nearest", behavior: "smooth"});
  }
  document.querySelectorAll("mark.ob").forEach(function (m) {
    m.addEventListener("click", function () {
      var ids = m.dataset.ob.split(" ");
      select(ids[ids.length - 1]);
    });
  });
  document.querySelectorAll("article.obligation > header").forEach(function (h) {
    h.addEventListener("click", function () {
      var id = h.parentElement.dataset.id;
      select(id);
      var mark = document.querySelector("mark.ob.active");
      if (mark) { mark.scrollIntoView({block: "center", behavior: "smooth"}); }
    });
  });
  if (location.hash.indexOf("#ob-") === 0) { select(location.hash.slice(4)); }

  function lines(v) { return v.split(/\n|;/).map(function (s) { return s.trim(); }).filter(Boolean); }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  var DEADLINE_KEYS = ["text", "kind", "date", "recurrence", "month", "day", "quarter", "year", "rrule"];

  document.querySelectorAll("form.correct").forEach(function (f) {
    var initial = {
      actors: lines(f.actors.value), co_actors: lines(f.co_actors.value), action: f.action.value,
      deadline: [f.deadline_text.value, f.deadline_date.value, f.deadline_recurrence.value],
      quota: f.quota_text.value, status: f.status.value
    };
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = {};
      if (!same(lines(f.actors.value), initial.actors)) { body.actors = lines(f.actors.value); }
      if (!same(lines(f.co_actors.value), initial.co_actors)) { body.co_actors = lines(f.co_actors.value); }
      if (f.action.value !== initial.action) { body.action = f.action.value; }
      var dl = [f.deadline_text.value.trim(), f.deadline_date.value, f.deadline_recurrence.value];
      if (!same(dl, initial.deadline)) {
        if (!dl[0] && !dl[1] && !dl[2]) { body.deadline = null; }
        else {
          var old = JSON.parse(f.dataset.deadline || "null") || {};
          var d = {};
          DEADLINE_KEYS.forEach(function (k) { if (old[k] !== undefined && old[k] !== null) { d[k] = old[k]; } });
          d.text = dl[0] || null; d.date = dl[1] || null;
          if (dl[2] !== (old.recurrence || "")) { d.recurrence = dl[2] || null; delete d.rrule; }
          if (d.date && !d.kind) { d.kind = "by"; }
          body.deadline = d;
        }
      }
      if (f.quota_text.value !== initial.quota) { body.quota = f.quota_text.value ? {text: f.quota_text.value} : null; }
      if (f.status.value !== initial.status) { body.status = f.status.value; }
      if (f.note.value) { body.note = f.note.value; }
      var out = f.querySelector(".save-status");
      fetch("/obligations/" + f.dataset.id, {
        method: "PATCH", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": CSRF["X-CSRF-Token"]}, body: JSON.stringify(body)
      }).then(function (r) {
        return r.json().then(function (j) { return {ok: r.ok, body: j}; });
      }).then(function (res) {
        if (!res.ok) { out.className = "save-status error"; out.textContent = K.msg.save_failed + ": " + errorText(res.body); return; }
        out.className = "save-status ok"; out.textContent = K.msg.saved;
        location.hash = "ob-" + f.dataset.id;
        location.reload();
      });
    });
  });

  /* ---- delete / reprocess buttons ---- */
  document.querySelectorAll("[data-delete]").forEach(function (b) {
    b.addEventListener("click", function () {
      if (!confirm(K.msg.confirm_delete)) { return; }
      fetch("/documents/" + b.dataset.delete, {method: "DELETE", credentials: "same-origin", headers: CSRF})
        .then(function () { location.reload(); });
    });
  });
  document.querySelectorAll("[data-reprocess]").forEach(function (b) {
    b.addEventListener("click", function () {
      fetch("/documents/" + b.dataset.reprocess + "/reprocess", {method: "POST", credentials: "same-origin", headers: CSRF})
        .then(function (r) { return r.json(); })
        .then(function (job) { var s = document.createElement("span"); s.textContent = " " + K.msg.processing; b.after(s);
          pollJob(job.id, s); });
    });
  });
})();
