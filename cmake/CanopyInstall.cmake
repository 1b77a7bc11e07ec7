# Installed later (see issue 2's install work).
