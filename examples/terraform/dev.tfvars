auth0_domain           = "acme-dev.eu.auth0.com"
password_reset_flag    = "mustChangePassword"
password_reset_message = "Please set a new password."
change_password_page_url = "https://account.acme-dev.example.com/change-password"
