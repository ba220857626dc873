auth0_domain           = "acme-staging.eu.auth0.com"
password_reset_flag    = "mustChangePassword"
password_reset_message = "[staging] Please set a new password."
change_password_page_url = "https://account.acme-staging.example.com/change-password"
