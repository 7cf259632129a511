#!/usr/bin/env bash
# Build "Collections Desktop.app" and dist/collections-desktop-VERSION.dmg on macOS.
#
#     installer/macos/build_dmg.sh
#
# Signing and notarisation run only when configured through the environment:
#   CODESIGN_IDENTITY   a "Developer ID Application: …" identity in the keychain
#   NOTARY_PROFILE      a notarytool keychain profile (xcrun notarytool store-credentials)
# Without them the app and the dmg are unsigned (fine for testing; Gatekeeper will warn).
set -euo pipefail
cd "$(dirname "$0")/../.."                           # the repository root

version=$(python3 installer/build.py)                # the one version, from the package
app="dist/Collections Desktop.app"                   # the BUNDLE the spec makes on macOS
dmg="dist/collections-desktop-${version}.dmg"

# The .app, with Info.plist's identifier, version and keys written by the spec.
pyinstaller --noconfirm --clean installer/collections-desktop.spec

# Check the bundle before shipping it: offscreen, temporary profile, non-zero on failure.
QT_QPA_PLATFORM=offscreen "$app/Contents/MacOS/collections-desktop" --smoke-test

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    # Hardened runtime and a timestamp are what notarisation requires.
    codesign --force --deep --options runtime --timestamp --sign "$CODESIGN_IDENTITY" "$app"
    codesign --verify --deep --strict --verbose=2 "$app"
fi

# The disk image: the app plus a link to /Applications to drag it onto.
staging=$(mktemp -d)
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "Collections Desktop $version" -srcfolder "$staging" \
    -fs HFS+ -format UDZO -ov "$dmg"
rm -rf "$staging"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    codesign --force --timestamp --sign "$CODESIGN_IDENTITY" "$dmg"   # sign the image too
fi
if [ -n "${CODESIGN_IDENTITY:-}" ] && [ -n "${NOTARY_PROFILE:-}" ]; then
    # Send to Apple, wait for the verdict, then staple the ticket so it opens offline.
    xcrun notarytool submit "$dmg" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
fi
echo "built $dmg"
