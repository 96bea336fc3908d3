import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="flex min-h-dvh items-center justify-center px-4">
      <div className="max-w-sm text-center">
        <p className="text-sm font-semibold text-brand-600">403</p>
        <h1 className="mt-1 text-xl font-semibold text-slate-900">Not allowed</h1>
        <p className="mt-2 text-sm text-slate-600">Your role doesn&apos;t give you access to this page. If you think it should, ask your admin.</p>
        <Link href="/" className="mt-5 inline-block rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">
          Go to your start page
        </Link>
      </div>
    </main>
  );
}
