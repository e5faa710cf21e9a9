// The article editor's pictures: the button under an uploaded picture inserts it, with its credit as the caption,
// as a figure where the cursor is in the body (the prose editor's Figure, Image and Caption nodes). No inline code:
// the Content Security Policy forbids it.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-insert-figure]");
  if (!button) return;
  // Tiptap keeps its editor on the editable element (view.dom.editor).
  const editable = document.querySelector("#article-form .prose-editor .tiptap.ProseMirror");
  const editor = editable && editable.editor;
  if (!editor) return;
  const { src, alt, credit } = button.dataset;
  editor
    .chain()
    .focus()
    .insertContent({
      type: "figure",
      content: [
        { type: "image", attrs: { src, alt } },
        { type: "caption", content: credit ? [{ type: "text", text: credit }] : [] },
      ],
    })
    .run();
  const status = button.parentElement.querySelector("[role=status]");
  if (status) status.textContent = button.dataset.inserted;
});

// The editable area takes the name of its form field's label ("正文"), so a screen reader announces what it is
// (the label points at the hidden text box the editor writes into).
function nameEditable(textarea) {
  const editable = textarea && textarea.closest(".prose-editor")?.querySelector(".tiptap.ProseMirror");
  const label = textarea && textarea.id && document.querySelector(`label[for="${textarea.id}"]`);
  if (editable && label) {
    editable.setAttribute("aria-label", label.textContent.replace(/[:：]\s*$/, "").trim());
  }
}
document.addEventListener("prose-editor:ready", (event) => nameEditable(event.detail.textarea));
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".prose-editor textarea").forEach(nameEditable);
});

// The menu's button names and choices are English words the editor never passes to gettext: translate them once
// the menu is built (their translations come with the dialogs' words, news/editor/messages.js).
function translateMenu(root, attempts = 40) {
  if (typeof window.gettext !== "function" || !root || root.dataset.menuTranslated) return;
  const menubar = root.querySelector(".prose-menubar");
  // The menu is drawn a moment after the editor is ready: look again shortly.
  if (!menubar) {
    if (attempts > 0) window.setTimeout(() => translateMenu(root, attempts - 1), 50);
    return;
  }
  root.dataset.menuTranslated = "true";
  menubar.querySelectorAll("[title], [aria-label]").forEach((element) => {
    for (const attribute of ["title", "aria-label"]) {
      const value = element.getAttribute(attribute);
      if (value) element.setAttribute(attribute, window.gettext(value));
    }
  });
  menubar.querySelectorAll("*").forEach((element) => {
    if (element.children.length === 0 && element.textContent && !element.classList.contains("material-icons")) {
      const text = element.textContent.trim();
      const translated = window.gettext(text);
      if (translated !== text) element.textContent = translated;
    }
  });
}
document.addEventListener("prose-editor:ready", (event) => translateMenu(event.detail.textarea.closest(".prose-editor")));
document.addEventListener("DOMContentLoaded", () => document.querySelectorAll(".prose-editor").forEach(translateMenu));
