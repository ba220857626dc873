auth0_domain = "acme.eu.auth0.com"
# Production users were flagged by the earlier two-Action recipe, under its key.
password_reset_flag    = "needsPasswordReset"
password_reset_message = "Please set a new password."
password_reset_message_translations = {
  fr = "Veuillez choisir un nouveau mot de passe."
  de = "Bitte legen Sie ein neues Passwort fest."
}
change_password_page_url = "https://account.acme.example.com/change-password"
