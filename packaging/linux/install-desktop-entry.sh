#!/bin/sh
# Put PeerDesk (this folder) in the desktop's application menu, for this user only.
#     ./install-desktop-entry.sh            install (again after moving the folder)
#     ./install-desktop-entry.sh --remove   take it out again
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
id=org.peerdesk.PeerDesk
if [ "${1:-}" = "--remove" ]; then
    rm -f "$data/applications/$id.desktop" "$data/metainfo/$id.metainfo.xml"
    find "$data/icons/hicolor" -name "$id.*" -delete 2>/dev/null || true
    echo "PeerDesk removed from the application menu."
    exit 0
fi
mkdir -p "$data/applications" "$data/metainfo"
sed "s|^Exec=PeerDesk|Exec=\"$here/PeerDesk\"|" "$here/share/applications/$id.desktop" > "$data/applications/$id.desktop"
cp "$here/share/metainfo/$id.metainfo.xml" "$data/metainfo/"
(cd "$here/share" && find icons -type f -name "$id.*" | while read -r icon; do
    mkdir -p "$data/$(dirname "$icon")"
    cp "$icon" "$data/$icon"
done)
command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "PeerDesk is in the application menu ($data/applications/$id.desktop)."
