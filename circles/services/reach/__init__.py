"""Ways to reach me: phone, email, messengers and a scheduling link, shared per circle."""
