import { expect, test as setup } from "@playwright/test";
import { ACCOUNTS, signIn, storageState, type RoleName } from "./support";

// Signs each demo account in once and saves its session for the role projects.
for (const role of Object.keys(ACCOUNTS) as RoleName[]) {
  setup(`sign in as ${role}`, async ({ page }) => {
    const account = ACCOUNTS[role];
    await signIn(page, account.email);
    await expect(page).toHaveURL(new RegExp(`${account.home}$`));
    await expect(page.getByRole("heading", { level: 1, name: account.heading })).toBeVisible();
    await page.context().storageState({ path: storageState(role) });
  });
}
