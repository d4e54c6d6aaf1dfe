"""The user's own account: server-side login sessions (`sessions`: begin, find and touch on
every request, end one or all), the brute-force limit on logins counted in the database
(`throttle`), logging in and out (`login`), checking and changing passwords, which ends
the user's other sessions (`passwords`), and the user's inbox (`inbox`: the bell's unread
count, the list, marking read). Every public function that writes is one transaction;
the web layer passes in what the request carried (token, address, user agent)."""
