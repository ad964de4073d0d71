/** Light, dark, or the system's choice; remembered in local storage (no secret in it). */
import { useEffect, useState } from 'preact/hooks';

type Theme = 'system' | 'light' | 'dark';
const STORAGE = 'hookline.theme';

export function applyStoredTheme(): void {
  const theme = (localStorage.getItem(STORAGE) as Theme | null) ?? 'system';
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem(STORAGE) as Theme | null) ?? 'system');
  useEffect(() => {
    localStorage.setItem(STORAGE, theme);
    applyStoredTheme();
  }, [theme]);
  return (
    <label class="theme">
      <span class="sr-only">Theme</span>
      <select value={theme} onChange={(e) => setTheme((e.currentTarget as HTMLSelectElement).value as Theme)}>
        <option value="system">System theme</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
