; Inno Setup script of the Windows installer of Collections Desktop (Inno Setup 6).
;
; Build the frozen folder first, then the installer, passing the one version in:
;
;   pyinstaller --noconfirm --clean installer\collections-desktop.spec
;   for /f %v in ('python installer\build.py') do iscc /DAppVersion=%v installer\windows\collections-desktop.iss
;
; which writes dist\collections-desktop-VERSION-setup.exe.
;
; The installer is per user: no administrator rights, installed under
; %LOCALAPPDATA%\Programs\Collections Desktop. Silent install for IT (docs/INSTALL.md):
;
;   collections-desktop-VERSION-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /DIR="C:\Apps\Collections Desktop"
;
; and silent uninstall: "%LOCALAPPDATA%\Programs\Collections Desktop\unins000.exe" /VERYSILENT
; The data folder (%LOCALAPPDATA%\Collections Desktop) is never removed by the uninstaller.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=0.1.0 collections-desktop.iss
#endif

; The names, as in collections_desktop/__init__.py.
#define AppName "Collections Desktop"
#define AppId "collections-desktop"
#define AppExe AppId + ".exe"
; The folder PyInstaller wrote, relative to this script.
#define FrozenDir "..\..\dist\" + AppId

[Setup]
; A fixed GUID identifies the product across versions, so an upgrade replaces the old one.
AppId={{6C2E6D0B-7F3A-4B8E-9C55-2A1D3F4E5B60}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName} developers
VersionInfoVersion={#AppVersion}
; Per-user install: no UAC prompt, everything under the user's profile.
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Uninstaller in the install folder, listed in Settings ▸ Apps.
Uninstallable=yes
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
OutputDir=..\..\dist
OutputBaseFilename={#AppId}-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern
; Close a running copy before files are replaced on upgrade.
CloseApplications=yes

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "es"; MessagesFile: "compiler:Languages\Spanish.isl"
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"
Name: "pt"; MessagesFile: "compiler:Languages\Portuguese.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole frozen folder: the executable and its _internal\ libraries and data.
Source: "{#FrozenDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade starts from a clean program folder, so no library of the old version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
; The Start-menu entry (and, if chosen, a desktop one).
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
; Offer to start the app at the end of an interactive install (skipped when silent).
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
