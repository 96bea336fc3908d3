import { expect, test as setup } from "@playwright/test";
import { ACCOUNTS, signIn, storageState, type RoleName } from "./support";

// Signs each demo account in once and saves its session for the role projects.
for (const role of Object.keys(ACCOUNTS) as RoleName[]) {
  setup(`sign in as ${role}`, async ({ page }) => {
    // Generous: a shared, loaded machine takes a while to hash the password and render the first page.
    setup.setTimeout(90_000);
    const account = ACCOUNTS[role];
    await signIn(page, account.email);
    await expect(page).toHaveURL(new RegExp(`${account.home}$`), { timeout: 45_000 });
    await expect(page.getByRole("heading", { level: 1, name: account.heading })).toBeVisible();
    await page.context().storageState({ path: storageState(role) });
  });
}
