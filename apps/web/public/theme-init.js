// Applies the saved theme before first paint (no light flash on a dark phone). An external file,
// not an inline script, because the server's Content-Security-Policy allows only 'self' scripts.
try {
  const saved = localStorage.getItem("won.settings.v1");
  const theme = saved ? JSON.parse(saved)?.state?.theme : null;
  if (theme) document.documentElement.dataset.theme = theme;
} catch {
  /* storage unavailable: the system theme applies */
}
