import { errorText, login } from "../api";
import { field, h, replace } from "../dom";

export function renderLogin(page: HTMLElement, done: () => void): void {
  const accessKey = h("input", { name: "accessKey", autocomplete: "username", required: true, autofocus: true });
  const secretKey = h("input", { name: "secretKey", type: "password", autocomplete: "current-password", required: true });
  const error = h("p", { class: "error", role: "alert", id: "login-error" });
  const submit = h("button", { type: "submit" }, "Sign in");
  const form = h(
    "form",
    {
      class: "login card",
      "aria-labelledby": "login-title",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.textContent = "";
        submit.disabled = true;
        try {
          await login(accessKey.value, secretKey.value);
          secretKey.value = "";
          done();
        } catch (err) {
          error.textContent = errorText(err);
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("h1", { id: "login-title" }, "Cairn Console"),
    field("Access key", accessKey),
    field("Secret key", secretKey),
    error,
    submit,
  );
  replace(page, h("div", { class: "login-wrap" }, form));
}
