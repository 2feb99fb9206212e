// Progressive enhancement of the editor; without it the Preview and save
// buttons do everything through the server, and a file is added with the
// file field. It adds:
// 1. the live preview, in the one preview pane the page has: beside the
//    text on wide screens, below it on narrow ones (a note instead while
//    conflict markers are left in the text);
// 2. images pasted or dropped into the text: each is checked by the server
//    (POST data-upload-url), carried in the form like a file chosen in the
//    file field, and its Markdown goes where the cursor is; the preview
//    shows it before it is saved;
// 3. a warning before leaving the page with unsaved changes.
(function () {
  "use strict";
  var form = document.querySelector("form.edit-form");
  function msg(key, vars, english) {
    return window.gitwiki && window.gitwiki.msg ? window.gitwiki.msg(form, key, vars, english) : english;
  }
  var content = form && form.elements.namedItem("content");
  if (!content) {
    return;
  }

  // Announces a change in the text, so the preview and the unsaved-changes
  // warning follow edits made by this script as well as by typing.
  function changed() {
    content.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // ---- 3. Unsaved changes ----
  // A form the server sent back (after a preview, a conflict or a refusal)
  // holds text that is not saved yet.
  var dirty = form.hasAttribute("data-unsaved");
  var submitting = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("pageshow", function () { submitting = false; });
  window.addEventListener("beforeunload", function (e) {
    if (dirty && !submitting) {
      e.preventDefault();
      e.returnValue = "";
    }
  });

  // ---- Propose or publish ----
  var propose = form.elements.namedItem("propose");
  var save = form.querySelector('button[name="action"][value="save"]');
  if (propose && save && save.getAttribute("data-label-propose")) {
    propose.addEventListener("change", function () {
      save.textContent = save.getAttribute(propose.checked ? "data-label-propose" : "data-label-publish");
    });
  }

  // ---- 2. Files ----
  var file = form.elements.namedItem("attachment");
  var attachStatus = form.querySelector(".attach-status");
  var pendingList = form.querySelector(".pending-files");
  // The files the form carries, by the URL they will have once saved, as
  // data: URLs for the preview.
  var pendingImages = {};
  var imageTypes = { png: "image/png", jpg: "image/jpeg", gif: "image/gif", webp: "image/webp" };
  function imageURL(name, base64) {
    var type = imageTypes[(name.split(".").pop() || "").toLowerCase()];
    return type ? "data:" + type + ";base64," + base64 : "";
  }
  if (pendingList) {
    Array.prototype.forEach.call(pendingList.querySelectorAll("li[data-url]"), function (li) {
      var name = li.querySelector('input[name="pending_name"]');
      var data = li.querySelector('input[name="pending_data"]');
      var src = name && data && imageURL(name.value, data.value);
      if (src) {
        pendingImages[li.getAttribute("data-url")] = src;
      }
    });
  }
  function say(text) {
    if (attachStatus) {
      attachStatus.textContent = text;
    }
  }

  // insertAtCursor puts text at the cursor, as a paragraph of its own,
  // where an image or a link to a file reads best, and leaves the cursor
  // after it.
  function insertAtCursor(text) {
    var start = content.selectionStart || 0;
    var end = content.selectionEnd || start;
    var before = content.value.slice(0, start);
    var after = content.value.slice(end);
    if (before && !/\n\n$/.test(before)) {
      text = (/\n$/.test(before) ? "\n" : "\n\n") + text;
    }
    if (!after) {
      text += "\n";
    } else if (!/^\n\n/.test(after)) {
      text += /^\n/.test(after) ? "\n" : "\n\n";
    }
    if (content.setRangeText) {
      content.setRangeText(text, start, end, "end");
    } else {
      content.value = before + text + after;
      content.selectionStart = content.selectionEnd = start + text.length;
    }
    changed();
  }
  // replaceText swaps a placeholder for the final text, keeping the cursor
  // where the person left it.
  function replaceText(placeholder, text) {
    var at = content.value.indexOf(placeholder);
    if (at < 0) {
      if (text) {
        insertAtCursor(text);
      }
      return;
    }
    var start = content.selectionStart;
    var end = content.selectionEnd;
    var shift = text.length - placeholder.length;
    content.value = content.value.slice(0, at) + text + content.value.slice(at + placeholder.length);
    if (start >= at + placeholder.length) {
      start += shift;
      end += shift;
    }
    content.selectionStart = start;
    content.selectionEnd = end;
    changed();
  }

  // addPending lists a checked file in the form, where the server takes it
  // from when the edit is previewed or saved.
  function addPending(answer, base64) {
    if (!pendingList) {
      return;
    }
    var li = document.createElement("li");
    li.setAttribute("data-url", answer.url || "");
    [["pending_name", answer.name], ["pending_data", base64]].forEach(function (f) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = f[0];
      input.value = f[1];
      li.appendChild(input);
    });
    var name = document.createElement("span");
    name.className = "pending-file-name";
    name.textContent = answer.name;
    var md = document.createElement("span");
    md.className = "pending-file-md";
    var code = document.createElement("code");
    code.textContent = answer.markdown;
    md.appendChild(code);
    li.appendChild(name);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(md);
    pendingList.appendChild(li);
    pendingList.hidden = false;
    var src = imageURL(answer.name, base64);
    if (src && answer.url) {
      pendingImages[answer.url] = src;
    }
  }
  function pendingNames() {
    return Array.prototype.map.call(form.querySelectorAll('input[name="pending_name"]'), function (i) { return i.value; });
  }

  function readBase64(f) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var s = String(reader.result);
        resolve(s.slice(s.indexOf(",") + 1));
      };
      reader.onerror = function () { reject(new Error("read")); };
      reader.readAsDataURL(f);
    });
  }

  var uploadURL = form.getAttribute("data-upload-url");
  // A new page whose name is still to be typed: its files go where the
  // name says.
  function uploadTarget() {
    var path = form.elements.namedItem("path");
    if (path && path.type === "text" && path.value) {
      return uploadURL + path.value.replace(/\.md$/, "").split("/").map(encodeURIComponent).join("/");
    }
    return uploadURL;
  }
  function sendFile(f) {
    var body = new FormData();
    body.append("file", f, f.name || "image.png");
    pendingNames().forEach(function (n) { body.append("pending", n); });
    return fetch(uploadTarget(), { method: "POST", mode: "same-origin", credentials: "same-origin", body: body })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (answer) {
          if (!r.ok || !answer.name) {
            throw new Error(answer.error || String(r.status));
          }
          return answer;
        });
      });
  }
  // Uploads go one after the other, so each is named knowing the others.
  var queue = Promise.resolve();
  var uploads = 0;
  function upload(f) {
    var name = f.name || "image.png";
    var placeholder = "![" + msg("js.uploading", { name: name }, "Uploading {name}…") + "](#upload-" + (++uploads) + ")";
    insertAtCursor(placeholder);
    say(msg("js.uploading", { name: name }, "Uploading {name}…"));
    queue = queue.then(function () {
      return Promise.all([sendFile(f), readBase64(f)]).then(function (got) {
        addPending(got[0], got[1]);
        replaceText(placeholder, got[0].markdown);
        say(msg("js.uploaded", { name: got[0].name }, "Added {name} to the text. It is saved with your change."));
      }, function (err) {
        replaceText(placeholder, "");
        say(msg("js.upload_failed", { name: name, reason: err.message }, "{name} could not be added: {reason}"));
      });
    });
    return queue;
  }
  function filesOf(list) {
    return Array.prototype.slice.call(list || []);
  }

  if (uploadURL && window.fetch && window.FormData && window.FileReader && window.Promise) {
    content.addEventListener("paste", function (e) {
      var files = filesOf(e.clipboardData && e.clipboardData.files);
      if (files.length) {
        e.preventDefault();
        files.forEach(upload);
      }
    });
    content.addEventListener("dragover", function (e) {
      if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types || [], "Files") >= 0) {
        e.preventDefault();
        content.classList.add("is-dropping");
      }
    });
    content.addEventListener("dragleave", function () { content.classList.remove("is-dropping"); });
    content.addEventListener("drop", function (e) {
      content.classList.remove("is-dropping");
      var files = filesOf(e.dataTransfer && e.dataTransfer.files);
      if (files.length) {
        e.preventDefault();
        content.focus();
        files.forEach(upload);
      }
    });
    var help = document.getElementById("edit-paste-help");
    if (help) {
      help.hidden = false;
      var described = content.getAttribute("aria-describedby");
      content.setAttribute("aria-describedby", (described ? described + " " : "") + help.id);
    }
    // A file chosen in the file field goes the same way, and leaves the
    // field empty so it is not sent twice.
    if (file && file.type === "file") {
      file.addEventListener("change", function () {
        var files = filesOf(file.files);
        if (files.length) {
          files.forEach(upload);
          queue.then(function () { file.value = ""; });
        }
      });
    }
  } else if (file && file.type === "file") {
    // Without the upload address the file goes with the form: the text
    // gets its Markdown now, the file arrives on preview or save.
    file.addEventListener("change", function () {
      var f = file.files && file.files[0];
      if (!f) {
        return;
      }
      var name = f.name;
      var pdf = f.type === "application/pdf" || /\.pdf$/i.test(name);
      var label = name.replace(/[\[\]\\]/g, "");
      var target = name.replace(/[ ()<>]/g, function (c) {
        return "%" + c.charCodeAt(0).toString(16).toUpperCase();
      });
      insertAtCursor((pdf ? "" : "!") + "[" + label + "](" + target + ")");
      say(pdf ?
        msg("js.attached_link", { name: name }, "Added a link to {name} to the text. It is uploaded when you preview or save.") :
        msg("js.attached", { name: name }, "Added {name} to the text. It is uploaded when you preview or save."));
    });
  }

  // ---- 1. Live preview ----
  var url = form.getAttribute("data-preview-url");
  var preview = form.querySelector(".edit-preview");
  if (!url || !window.fetch || !window.URLSearchParams || !preview) {
    return;
  }
  var pane = preview.querySelector(".preview-frame");
  var status = preview.querySelector(".edit-live-status");
  var wide = window.matchMedia("(min-width: 75rem)");
  var inView = !window.IntersectionObserver;
  var timer = 0;
  var seq = 0;
  var shown = null; // the request the pane shows
  var pausedUntil = 0;
  var notice = null;

  // After a conflict the text holds both versions between marker lines,
  // which render badly (the ======= line turns the text above it into a
  // heading). While a marker line is left, the pane says so instead of
  // asking the server. A ======= line alone is a heading underline, so it
  // counts only beside the other markers; marker lines inside a fenced code
  // block (a page about conflicts) do not count at all.
  function hasConflictMarkers(text) {
    var lines = text.split(/\r\n|\r|\n/);
    var fence = "";
    for (var i = 0; i < lines.length; i++) {
      var open = /^ {0,3}(`{3,}|~{3,})/.exec(lines[i]);
      if (fence) {
        if (open && open[1].charAt(0) === fence.charAt(0) && open[1].length >= fence.length &&
            /^\s*$/.test(lines[i].slice(open[0].length))) {
          fence = "";
        }
      } else if (open) {
        fence = open[1];
      } else if (/^(?:<{7}|\|{7}|>{7})(?:[ \t]|$)/.test(lines[i])) {
        return true;
      }
    }
    return false;
  }
  function conflictNotice() {
    if (!notice) {
      notice = document.createElement("div");
      notice.className = "edit-live-notice";
      var p = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = msg("js.markers", null, "Resolve the conflict markers to see a preview.");
      p.appendChild(strong);
      var more = document.createElement("p");
      var help = msg("js.markers_help", null, "In each place, keep the text that is right, and delete the rest and the marker lines (those starting with {markers}). The preview comes back when they are gone.").split("{markers}");
      more.appendChild(document.createTextNode(help[0]));
      ["<<<<<<<", "|||||||", "=======", ">>>>>>>"].forEach(function (marker, i) {
        if (i) {
          more.appendChild(document.createTextNode(" "));
        }
        var code = document.createElement("code");
        code.textContent = marker;
        more.appendChild(code);
      });
      more.appendChild(document.createTextNode(help.slice(1).join("")));
      notice.appendChild(p);
      notice.appendChild(more);
    }
    seq++; // a preview still on its way is out of date
    preview.classList.remove("is-updating");
    status.textContent = "";
    pane.textContent = "";
    pane.appendChild(notice);
  }

  // The fields that make the page besides the text, sent so the server
  // previews the page the form would save.
  var sent = ["path", "base", "fields", "frontmatter", "section", "title", "description", "tags", "category", "lang", "weight"];
  function request() {
    var body = new URLSearchParams();
    body.set("content", content.value);
    sent.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && field.value) {
        body.set(name, field.value);
      }
    });
    return body.toString();
  }
  // Images the form carries are not stored yet: the pane shows them from
  // the form.
  function showPending() {
    Array.prototype.forEach.call(pane.querySelectorAll("img"), function (img) {
      var src = pendingImages[img.getAttribute("src")];
      if (src) {
        img.src = src;
      }
    });
  }

  function refresh() {
    timer = 0;
    var body = request();
    if (body === shown) {
      return;
    }
    if (hasConflictMarkers(content.value)) {
      conflictNotice();
      shown = body;
      return;
    }
    if (Date.now() < pausedUntil) {
      return;
    }
    if (notice && notice.parentNode === pane) {
      // The markers are gone: the notice no longer holds, whatever the
      // server answers.
      pane.textContent = "";
      shown = null;
    }
    var mine = ++seq;
    preview.classList.add("is-updating");
    fetch(url, {
      method: "POST",
      mode: "same-origin",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8" },
      body: body
    }).then(function (r) {
      if (r.status === 429) {
        pausedUntil = Date.now() + 15000;
      }
      if (!r.ok) {
        throw new Error("preview: " + r.status);
      }
      return r.text();
    }).then(function (html) {
      if (mine !== seq) {
        return;
      }
      // The server renders the preview with the same sanitizer as every
      // page, so the fragment holds no script or handler, and the CSP would
      // not run one anyway. Parsing it again here would add nothing.
      pane.innerHTML = html;
      showPending();
      shown = body;
      status.textContent = "";
      preview.classList.remove("is-updating");
    }).catch(function () {
      if (mine !== seq) {
        return;
      }
      preview.classList.remove("is-updating");
      status.textContent = msg("js.preview_failed", null, "Could not update the preview. The Preview button below still works.");
    });
  }
  // Only a pane in sight is kept up to date, to spare the server: beside
  // the text it always is; below it, once scrolled to.
  function visible() {
    return wide.matches || inView;
  }
  function schedule() {
    if (!visible()) {
      return;
    }
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(refresh, 400);
  }

  preview.hidden = false;
  showPending();
  if (!inView) {
    new IntersectionObserver(function (entries) {
      inView = entries.some(function (e) { return e.isIntersecting; });
      if (inView) {
        schedule();
      }
    }).observe(preview);
  }
  if (visible()) {
    refresh();
  }
  if (wide.addEventListener) {
    wide.addEventListener("change", schedule);
  }
  form.addEventListener("input", function (e) {
    if (e.target === content || sent.indexOf(e.target.name) >= 0) {
      schedule();
    }
  });
})();
